package org.understudy.health;

/**
 * The slow path's confirming probe started ahead of the timeout (every path silent for its timeout less the probe's
 * time limit), so that its answer is in when the paths go past their timeouts. Guarded by the detector's lock.
 */
final class ProbeAhead {
    final long startedAt;
    /** Its answer, once in while the paths were not yet past their timeouts; null while it runs. */
    ServiceProbe.Result result;
    /** The suspicion episode whose verdict it gives when it was still running as the paths went past; 0 if none. */
    long episode;

    ProbeAhead(long startedAt) {
        this.startedAt = startedAt;
    }
}
