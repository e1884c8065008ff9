package org.understudy.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.understudy.model.FailureDetection;

/**
 * The facts of one detection as they are learnt, each timed from the first on the detector's monotonic clock, for
 * the decision's log line and the failover timeline. Guarded by the detector's lock.
 */
final class FactLog {
    private final long start;
    private final Instant startWall;
    private final List<FailureDetection.Fact> facts = new ArrayList<>();

    FactLog(long start, Instant startWall) {
        this.start = start;
        this.startWall = startWall;
    }

    long start() {
        return start;
    }

    void add(long now, String name, String detail) {
        facts.add(new FailureDetection.Fact(name, Duration.ofNanos(Math.max(0, now - start)), detail));
    }

    FailureDetection finish(String path, long now) {
        return new FailureDetection(path, startWall, Duration.ofNanos(Math.max(0, now - start)), facts);
    }
}
