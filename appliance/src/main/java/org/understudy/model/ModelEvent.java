package org.understudy.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Something that happened in an engine, for the faces (traps, JMX notifications, the event log, the web console).
 * Immutable records; {@code at} is wall time for people and the event log.
 */
public sealed interface ModelEvent {
    Instant at();

    /** A primary's state machine moved. {@code numbers} are the figures behind the decision (seconds, counts). */
    record StateChanged(Instant at, String primary, PrimaryState from, PrimaryState to, String cause,
                        Map<String, Number> numbers) implements ModelEvent {
        public StateChanged {
            numbers = Map.copyOf(numbers);
        }
    }

    /** A health path changed state. */
    record PathChanged(Instant at, String node, String path, PathKind kind, PathState state, Duration silentFor)
            implements ModelEvent {
    }

    /** A primary node's own lifecycle moved (it started serving, was fenced, drained, copied back). */
    record LifecycleChanged(Instant at, String node, PrimaryLifecycle from, PrimaryLifecycle to, String cause)
            implements ModelEvent {
    }

    /** Every path of a primary was silent and the confirming probe failed. */
    record PrimaryFailed(Instant at, String primary, String reason) implements ModelEvent {
    }

    record FailoverStarted(Instant at, String primary, String kind, String reason) implements ModelEvent {
    }

    record FailoverCompleted(Instant at, FailoverTimeline timeline) implements ModelEvent {
    }

    record FailoverFailed(Instant at, FailoverTimeline timeline, String reason) implements ModelEvent {
    }

    /** On a primary: the standby stopped acknowledging on every path; the primary keeps serving. */
    record StandbyLost(Instant at, String standby, String reason) implements ModelEvent {
    }

    record StandbyRestored(Instant at, String standby, String reason) implements ModelEvent {
    }

    /** The watching node itself was paused (GC, suspended VM); silence counts were restarted. */
    record LocalPause(Instant at, String node, Duration gap, Duration expected) implements ModelEvent {
    }



    /** A resync of a volume's replica began: {@code bytes} are to travel (dirty regions, or all of it). */
    record ResyncStarted(Instant at, String primary, String volume, long bytes, String reason) implements ModelEvent {
    }

    /** A resync finished: the replica is consistent again. */
    record ResyncCompleted(Instant at, String primary, String volume, long bytes, Duration took) implements ModelEvent {
    }

    /** An online verify found regions that differ between a volume and its replica (they are being resynced). */
    record VerifyMismatch(Instant at, String primary, String volume, long mismatches, long regionsCompared)
            implements ModelEvent {
    }

    /**
     * A snapshot of a primary's replicas was taken.
     *
     * @param volumes    the volumes it covers
     * @param primaryCut true for a point of the primary's write stream, false for the standby's own cut
     * @param detail     how, with the numbers (cut wait, who asked)
     */
    record SnapshotCreated(Instant at, String primary, String name, java.util.List<String> volumes, SnapshotKind kind,
                           boolean primaryCut, String detail) implements ModelEvent {
        public SnapshotCreated {
            volumes = java.util.List.copyOf(volumes);
        }
    }

    /** A snapshot (or one volume's image of it) went: deleted, expired, or dropped for space. */
    record SnapshotDeleted(Instant at, String primary, String name, String volume, String reason, long bytesFreed)
            implements ModelEvent {
    }

    /** A failover rehearsal ended; its timeline has the kind {@code rehearsal}. */
    record RehearsalFinished(Instant at, FailoverTimeline timeline, String outcome) implements ModelEvent {
    }

    /** An operator command and how it ended (who, from which face). */
    record OperatorAction(Instant at, String who, String command, String target, boolean accepted, String outcome)
            implements ModelEvent {
    }
}
