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
    /** The id of the replication-link path: any valid frame on any of a primary's links is life. */
    public static final String LINK = "link";
    /** The id of the production-network path: UDP heartbeats between the nodes' service addresses. */
    public static final String PRODUCTION = "production";

    public PathConfig {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("path id is empty");
        }
        if (interval.isNegative() || interval.isZero() || timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("path " + id + ": need 0 < interval (" + interval
                    + ") < timeout (" + timeout + ")");
        }
    }

    /** The replication-link path ({@link #LINK}) with the given figures. */
    public static PathConfig link(Duration interval, Duration timeout) {
        return new PathConfig(LINK, PathKind.REPLICATION_LINK, interval, timeout);
    }

    /** The production-network path ({@link #PRODUCTION}) with the given figures. */
    public static PathConfig production(Duration interval, Duration timeout) {
        return new PathConfig(PRODUCTION, PathKind.PRODUCTION, interval, timeout);
    }

    /** A path with the default interval (250 ms) and timeout (2 s). */
    public static PathConfig of(String id, PathKind kind) {
        return new PathConfig(id, kind, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }
}
