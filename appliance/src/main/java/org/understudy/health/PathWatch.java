package org.understudy.health;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;

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

    /** Counts a heartbeat ignored on this path. */
    void reject(HealthDetector.Rejection why) {
        switch (why) {
            case REPLAYED -> replayed.increment();
            case FORGED -> forged.increment();
            case MALFORMED -> malformed.increment();
        }
    }

    PathSnapshot snapshot(String node, long now) {
        return new PathSnapshot(node, config.id(), config.kind(), down ? PathState.DOWN : PathState.UP,
                Duration.ofNanos(Math.max(0, now - lastHeard)), changedWall, valid.sum(), replayed.sum(),
                forged.sum(), malformed.sum());
    }
}
