package org.understudy.failover;

/**
 * What the standby may do on its own.
 *
 * @param autoFailover          false is vault mode: detection and alarms go on, nothing is taken over automatically
 * @param maxStandIns           how many primaries the standby may stand in for at once (default 1)
 * @param abortOnFencingFailure a failed fencing script aborts the takeover (default true)
 */
public record FailoverPolicy(boolean autoFailover, int maxStandIns, boolean abortOnFencingFailure) {
    public static final FailoverPolicy DEFAULTS = new FailoverPolicy(true, 1, true);

    public FailoverPolicy {
        if (maxStandIns < 1) {
            throw new IllegalArgumentException("maxStandIns must be at least 1, was " + maxStandIns);
        }
    }

    public FailoverPolicy withAutoFailover(boolean on) {
        return new FailoverPolicy(on, maxStandIns, abortOnFencingFailure);
    }
}
