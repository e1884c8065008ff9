package org.understudy.model;

/**
 * The standby's failover policy and what it is doing now.
 *
 * @param autoFailover    automatic failover on (off: data-vault mode, detection and alarms only)
 * @param standInsActive  primaries the standby stands in for right now
 * @param standInsAllowed at most this many at once
 * @param lastFailover    the last takeover of any primary (automatic or forced failover, or switchover; never a
 *                        failback); null if none yet
 * @param autoFailoverOrigin where {@code autoFailover} came from (the cluster file, the operator's last choice); null
 *                        where not known
 */
public record FailoverSummary(boolean autoFailover, int standInsActive, int standInsAllowed, FailoverTimeline lastFailover,
                              String autoFailoverOrigin) {
    public FailoverSummary(boolean autoFailover, int standInsActive, int standInsAllowed, FailoverTimeline lastFailover) {
        this(autoFailover, standInsActive, standInsAllowed, lastFailover, null);
    }

    /** What a primary reports: it runs no failover engine. */
    public static final FailoverSummary NONE = new FailoverSummary(false, 0, 0, null);
}
