package org.understudy.health;

import java.time.Duration;
import java.util.Collection;
import org.apache.logging.log4j.Logger;

/**
 * The startup grace of one watched node. A node never heard on any path since watching started may be a server still
 * booting (a cluster powered up together: the standby is often up first), so its silence is not taken for a failure
 * before the grace has passed; once it is heard, or the grace is over, the timeouts alone count. Without it a
 * standby started before its primaries would declare them failed two seconds later and take the first one over.
 * Guarded by the detector's lock.
 */
final class FirstContact {
    private final Duration grace;
    private long since;
    /** Heard once, the grace spent, or no grace: it holds nothing back any more. */
    private boolean settled;
    private boolean holding;

    FirstContact(Duration grace, long since) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("startup grace must not be negative: " + grace);
        }
        this.grace = grace;
        this.since = since;
        this.settled = grace.isZero();
    }

    /** Watching starts (the detector's start): the grace counts from here. */
    void restart(long now) {
        if (!settled) {
            since = now;
        }
    }

    /**
     * True while the node has never been heard since watching started and the grace has not passed: no suspicion
     * (and no probe ahead of one) yet. Logs when it first holds one back ({@code silent}: every path is past its
     * timeout), and when the node is first heard or the grace ends unheard.
     */
    boolean holds(String node, Collection<PathWatch> paths, boolean silent, long now, Logger log, String self) {
        if (settled) {
            return false;
        }
        long waited = now - since;
        if (paths.stream().anyMatch(p -> p.valid.sum() > 0)) {
            settled = true;
            if (holding) {
                log.info("{}: {} first heard {} ms after watching started (startup grace {} s)", self, node,
                        waited / 1_000_000, grace.toSeconds());
            }
            return false;
        }
        if (waited < grace.toNanos()) {
            if (silent && !holding) {
                holding = true;
                log.warn("{}: {} silent on every path and never heard since watching started {} ms ago: not suspected "
                        + "before its startup grace of {} s has passed (a server still starting)", self, node,
                        waited / 1_000_000, grace.toSeconds());
            }
            return true;
        }
        settled = true;
        log.warn("{}: {} never heard in its startup grace of {} s ({} ms since watching started): its silence now "
                + "counts as any other", self, node, grace.toSeconds(), waited / 1_000_000);
        return false;
    }
}
