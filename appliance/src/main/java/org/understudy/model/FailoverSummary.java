package org.understudy.model;

/**
 * The standby's failover policy and what it is doing now.
 *
 * @param autoFailover    automatic failover on (off: data-vault mode, detection and alarms only)
 * @param standInsActive  primaries the standby stands in for right now
 * @param standInsAllowed at most this many at once
 * @param lastFailover    the last takeover, switchover or failback of any primary; null if none yet
 */
public record FailoverSummary(boolean autoFailover, int standInsActive, int standInsAllowed, FailoverTimeline lastFailover) {
    /** What a primary reports: it runs no failover engine. */
    public static final FailoverSummary NONE = new FailoverSummary(false, 0, 0, null);
}
