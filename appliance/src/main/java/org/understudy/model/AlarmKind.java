package org.understudy.model;

/**
 * What an alarm is about. Together with the resource it names one alarm: the same kind on the same resource is the
 * same alarm, raised once until cleared. Each kind carries the severity engines use unless they have a reason to
 * pick another. Immutable.
 */
public enum AlarmKind {
    /** A primary is declared failed (every path silent, probe failed). */
    PRIMARY_FAILED(AlarmSeverity.CRITICAL),
    /** One health path to a node is down while others still carry life: DEGRADED, no failover. */
    PATH_DOWN(AlarmSeverity.MINOR),
    /** A primary no longer hears the standby acknowledge; it keeps serving unprotected. */
    STANDBY_LOST(AlarmSeverity.MAJOR),
    /** Two nodes could both claim a volume; writes refused until an operator decides. */
    SPLIT_BRAIN(AlarmSeverity.CRITICAL),
    /** A primary the standby stands in for shows signs of life again: it must stay fenced. */
    PRIMARY_REVIVED(AlarmSeverity.MAJOR),
    /** A node found a newer epoch or generation and stays fenced instead of serving stale data. */
    FENCED(AlarmSeverity.MAJOR),
    /** A fencing step (epoch raise or fencing command) failed. */
    FENCING_FAILED(AlarmSeverity.CRITICAL),
    /** A failover was attempted and did not complete. */
    FAILOVER_FAILED(AlarmSeverity.CRITICAL),
    /** A primary failed beyond the stand-in limit: nothing was taken over. */
    FAILOVER_LIMIT(AlarmSeverity.CRITICAL),
    /** Automatic failover is off (vault mode): failures are detected and alarmed only. */
    AUTOSWITCH_OFF(AlarmSeverity.WARNING),
    /** The standby is standing in for a primary. */
    STANDING_IN(AlarmSeverity.MAJOR),
    /** A verification pass found replica blocks that differ from the primary. */
    VERIFY_MISMATCH(AlarmSeverity.MAJOR),
    /** A replica is not consistent (resync running, link down, generation unknown): not promotable. */
    REPLICA_DEGRADED(AlarmSeverity.MAJOR),
    /** A replication link is down. */
    LINK_DOWN(AlarmSeverity.MAJOR),
    /** Synchronous mirroring fell back to asynchronous (latency or link trouble). */
    MIRROR_ASYNC_FALLBACK(AlarmSeverity.WARNING),
    /** Resync direction could not be decided from generations: stopped, waiting for an operator. */
    RESYNC_UNDECIDED(AlarmSeverity.CRITICAL),
    /** Storage for a volume or replica reports errors or is full. */
    STORAGE_ERROR(AlarmSeverity.CRITICAL),
    /** Authentications are being refused faster than the configured rate: someone is guessing or misconfigured. */
    AUTH_FAILURES(AlarmSeverity.MAJOR),
    /** A primary's snapshots passed their space limit on the standby: the oldest were dropped to make room. */
    SNAPSHOT_SPACE(AlarmSeverity.MAJOR),
    /** A scheduled or automatic snapshot could not be taken. */
    SNAPSHOT_FAILED(AlarmSeverity.MINOR),
    /** The event log drops or cannot store rows. */
    EVENT_LOG_TROUBLE(AlarmSeverity.MAJOR);

    private final AlarmSeverity defaultSeverity;

    AlarmKind(AlarmSeverity defaultSeverity) {
        this.defaultSeverity = defaultSeverity;
    }

    public AlarmSeverity defaultSeverity() {
        return defaultSeverity;
    }
}
