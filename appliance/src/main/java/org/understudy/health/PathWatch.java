package org.understudy.health;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/** The detector's record of one path of a watched node. Guarded by the detector's lock, apart from the volatile
 * {@code lastHeard} and the counters, which {@link HealthDetector#heardOn} updates without it. */
final class PathWatch {
    final PathConfig config;
    volatile long lastHeard;
    boolean down;
    long changedAt;
    Instant changedWall;
    final LongAdder valid = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder forged = new LongAdder();
    final LongAdder malformed = new LongAdder();

    PathWatch(PathConfig config, long now, Instant wall) {
        this.config = config;
        this.lastHeard = now;
        this.changedAt = now;
        this.changedWall = wall;
    }
}

