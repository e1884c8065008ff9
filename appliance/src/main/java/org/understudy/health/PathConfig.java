package org.understudy.health;

import java.time.Duration;
import org.understudy.model.PathKind;

/**
 * One health path to a watched node: heartbeats are sent every {@code interval}; the path is down once it has been
 * silent longer than {@code timeout}.
 */
public record PathConfig(String id, PathKind kind, Duration interval, Duration timeout) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public PathConfig {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("path id is empty");
        }
        if (interval.isNegative() || interval.isZero() || timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("path " + id + ": need 0 < interval (" + interval
                    + ") < timeout (" + timeout + ")");
        }
    }

    /** A path with the default interval (250 ms) and timeout (2 s). */
    public static PathConfig of(String id, PathKind kind) {
        return new PathConfig(id, kind, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }
}
