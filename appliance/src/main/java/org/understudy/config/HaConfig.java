package org.understudy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Health, failover and event-log settings of the cluster ({@code health:}, {@code failover:}, {@code eventLog:} at
 * the top of the cluster file), with per-primary overrides ({@code health:} and {@code failover:} inside a primary).
 * Immutable; {@link #DEFAULTS} when the file says nothing.
 */
public record HaConfig(Health health, Failover failover, EventLog eventLog, Map<String, Health> primaryHealth,
                       Map<String, Failover> primaryFailover) {

    /** How the takeover of a service address is done. */
    public enum Identity {
        /** 127.0.0.0/8 addresses (demo and tests): nothing to add, the NBD server binds the address. */
        LOOPBACK,
        /** {@code ip addr add ADDRESS/PREFIX dev DEVICE} plus gratuitous ARP (production; needs root). */
        IP
    }

    /**
     * Heartbeat and detection timing of the paths between the standby and a primary.
     *
     * @param interval         heartbeat interval on every path
     * @param timeout          slow path ({@code host-silent}): a path silent this long is down; every path down and a
     *                         failed confirming probe declare the primary failed
     * @param heartbeatPort    UDP port heartbeats are sent to on the production network (on every node's address)
     * @param processDeadGrace fast path ({@code process-dead}): once the primary's link was closed by the peer and
     *                         the probe refused, how long every path must have been silent; zero turns the fast path
     *                         off; longer than {@code interval}
     * @param probeTimeout     the time limit of the confirming probe (an NBD handshake) on both paths
     * @param startupGrace     a primary not heard on any path since the standby started watching it is not suspected
     *                         before this long (a cluster powered up together: primaries boot slower than the
     *                         standby); once heard, {@code timeout} alone counts; zero turns it off
     */
    public record Health(Duration interval, Duration timeout, int heartbeatPort, Duration processDeadGrace,
                         Duration probeTimeout, Duration startupGrace) {
        /** The probe's time limit unless configured. */
        public static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
        /** How long a primary never heard since the standby started may stay silent before it is suspected. */
        public static final Duration STARTUP_GRACE = Duration.ofSeconds(120);
        public static final Health DEFAULTS = new Health(Duration.ofMillis(250), Duration.ofSeconds(2), 7701);

        /** The default grace: one and a half heartbeat intervals, so a live primary's next heartbeat falls inside. */
        public static Duration defaultGrace(Duration interval) {
            return interval.plus(interval.dividedBy(2));
        }

        /** Timing with the default grace (1.5 intervals), probe time limit (500 ms) and startup grace (120 s). */
        public Health(Duration interval, Duration timeout, int heartbeatPort) {
            this(interval, timeout, heartbeatPort, defaultGrace(interval), PROBE_TIMEOUT, STARTUP_GRACE);
        }

        /** True when the fast path is on. */
        public boolean fastPath() {
            return !processDeadGrace.isZero();
        }
    }

    /**
     * What the standby does for a failed primary.
     *
     * @param fencingCommand argv of the fencing command (empty: none); run with the documented environment
     * @param commandsDir    directory of failover command files; at cluster level a directory holding one
     *                       sub-directory per primary, inside a primary that primary's directory; null: none
     * @param commandTimeout time limit of each fencing or failover command
     * @param releaseTimeout how long a takeover waits, once the primary is fenced, for it to let go of its service
     *                       address and exports before the standby binds them (a live primary forced over)
     */
    public record Failover(boolean auto, int maxStandIns, boolean abortOnFencingFailure, List<String> fencingCommand,
                           Path commandsDir, Duration commandTimeout, Identity identity, String device, int prefix,
                           Duration releaseTimeout) {
        public static final Failover DEFAULTS = new Failover(true, 1, true, List.of(), null, Duration.ofSeconds(10),
                Identity.LOOPBACK, "eth0", 24, Duration.ofSeconds(5));

        public Failover {
            fencingCommand = List.copyOf(fencingCommand);
        }
    }

    /**
     * Event-log retention: rows older than {@code retentionDays} or beyond {@code maxRows} are deleted.
     * {@code authFailureAlarmPerMinute}: refused authentications in one minute (all faces together) above which the
     * node raises AUTH_FAILURES.
     */
    public record EventLog(int retentionDays, long maxRows, long authFailureAlarmPerMinute) {
        public static final EventLog DEFAULTS = new EventLog(365, 1_000_000, 60);

        public EventLog(int retentionDays, long maxRows) {
            this(retentionDays, maxRows, DEFAULTS.authFailureAlarmPerMinute());
        }
    }

    public static final HaConfig DEFAULTS = new HaConfig(Health.DEFAULTS, Failover.DEFAULTS, EventLog.DEFAULTS,
            Map.of(), Map.of());

    public HaConfig {
        primaryHealth = Map.copyOf(primaryHealth);
        primaryFailover = Map.copyOf(primaryFailover);
    }

    /** The health timing of {@code primary} (its override, else the cluster's). */
    public Health health(String primary) {
        return primaryHealth.getOrDefault(primary, health);
    }

    /** The failover settings of {@code primary} (its override, else the cluster's). */
    public Failover failover(String primary) {
        return primaryFailover.getOrDefault(primary, failover);
    }

    /** Where {@code primary}'s failover command files are: its own directory, or its sub-directory of the cluster's. */
    public Path commandsDir(String primary) {
        Failover own = primaryFailover.get(primary);
        if (own != null && own.commandsDir() != null && own.commandsDir() != failover.commandsDir()) {
            return own.commandsDir();
        }
        return failover.commandsDir() == null ? null : failover.commandsDir().resolve(primary);
    }
}
