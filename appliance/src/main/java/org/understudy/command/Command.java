package org.understudy.command;

/**
 * An operator action, the same whichever face it comes from. Each command names its target resource for the audit
 * log. Records only; the command API dispatches on the type with an exhaustive switch in each node's handler.
 */
public sealed interface Command permits Command.SetThrottle, Command.Verify, Command.LinkTest, Command.Switchover,
        Command.ForceFailover, Command.Failback, Command.ClearFence, Command.SetAutoFailover, Command.CreateSnapshot,
        Command.DeleteSnapshot, Command.Rehearse {

    /** Short lower-case name, as used by the CLI and the admin API ({@code POST /api/commands/NAME}). */
    String name();

    /** The resource acted on, e.g. {@code p1}, {@code p1/vol0}, {@code cluster}. */
    String target();

    /** Which traffic a bandwidth cap applies to. */
    enum Traffic { MIRROR, RESYNC }

    /**
     * Changes a bandwidth cap at run time. {@code primary} null means the global cap; otherwise the cap of that
     * primary's replication link. {@code bytesPerSecond} 0 removes the cap. A mirror cap below
     * {@link org.understudy.config.Rates#SYNC_MIRROR_FLOOR} on a primary with a sync-mode volume is refused unless
     * {@code force}: every write of a sync volume waits for the cap.
     */
    record SetThrottle(String primary, Traffic traffic, long bytesPerSecond, boolean force) implements Command {
        public SetThrottle {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("bytesPerSecond must be >= 0, was " + bytesPerSecond);
            }
        }

        /** A cap that is refused below the sync-mode floor. */
        public SetThrottle(String primary, Traffic traffic, long bytesPerSecond) {
            this(primary, traffic, bytesPerSecond, false);
        }

        @Override
        public String name() {
            return "throttle";
        }

        @Override
        public String target() {
            return primary == null ? "cluster" : primary;
        }
    }

    /** Compares a volume with its replica region by region while I/O continues. */
    record Verify(String primary, String volume) implements Command {
        @Override
        public String name() {
            return "verify";
        }

        @Override
        public String target() {
            return primary + "/" + volume;
        }
    }

    /** Measures round trip and throughput of a primary's link to the standby. */
    record LinkTest(String primary) implements Command {
        @Override
        public String name() {
            return "link-test";
        }

        @Override
        public String target() {
            return primary;
        }
    }

    /** Planned handover: the primary drains, the standby catches up, then stands in. Zero acknowledged writes lost. */
    record Switchover(String primary) implements Command {
        @Override
        public String name() {
            return "switchover";
        }

        @Override
        public String target() {
            return primary;
        }
    }

    /** The standby fences the primary and stands in now. */
    record ForceFailover(String primary, String reason) implements Command {
        @Override
        public String name() {
            return "failover";
        }

        @Override
        public String target() {
            return primary;
        }
    }

    /** The repaired primary resyncs what changed while the standby stood in, then takes its role back. */
    record Failback(String primary) implements Command {
        @Override
        public String name() {
            return "failback";
        }

        @Override
        public String target() {
            return primary;
        }
    }

    /** Clears a primary's fence after an operator has made sure it is safe. */
    record ClearFence(String primary) implements Command {
        @Override
        public String name() {
            return "fence-clear";
        }

        @Override
        public String target() {
            return primary;
        }
    }

    /** Switches automatic failover on or off (off: data-vault mode, detection and alarms only). */
    record SetAutoFailover(boolean enabled) implements Command {
        @Override
        public String name() {
            return "autoswitch";
        }

        @Override
        public String target() {
            return "cluster";
        }
    }

    /**
     * Takes a snapshot of a primary's replicas on the standby: every volume ({@code volume} null) at one point of the
     * primary's write stream, or one volume. {@code snapshot} (its name) null: named after the cut's instant.
     */
    record CreateSnapshot(String primary, String volume, String snapshot) implements Command {
        @Override
        public String name() {
            return "snapshot-create";
        }

        @Override
        public String target() {
            return volume == null ? primary : primary + "/" + volume;
        }
    }

    /** Deletes a snapshot of a primary's replicas (every volume's image of it, or {@code volume}'s only). */
    record DeleteSnapshot(String primary, String volume, String snapshot) implements Command {
        public DeleteSnapshot {
            if (snapshot == null || snapshot.isBlank()) {
                throw new IllegalArgumentException("a snapshot to delete needs its name");
            }
        }

        @Override
        public String name() {
            return "snapshot-delete";
        }

        @Override
        public String target() {
            return (volume == null ? primary : primary + "/" + volume) + "@" + snapshot;
        }
    }

    /**
     * A failover rehearsal: writable clones of a fresh snapshot of the primary's volumes served on {@code address}
     * (never the primary's own), its failover scripts run against them, then the clones thrown away. {@code
     * holdSeconds}: how long the clones stay served after the scripts, for a look by hand (0: none).
     */
    record Rehearse(String primary, String address, int holdSeconds) implements Command {
        public Rehearse {
            if (address == null || address.isBlank()) {
                throw new IllegalArgumentException("a rehearsal needs a test address (--address)");
            }
            if (holdSeconds < 0 || holdSeconds > 3600) {
                throw new IllegalArgumentException("hold must be 0..3600 seconds, was " + holdSeconds);
            }
        }

        @Override
        public String name() {
            return "rehearse";
        }

        @Override
        public String target() {
            return primary;
        }
    }
}
