package org.understudy.events;

import java.time.Duration;

/**
 * How long the event log keeps rows: older than {@code maxAge} and beyond the newest {@code maxRows} are deleted at
 * start and then periodically. Immutable.
 *
 * @param maxAge  keep rows at most this long; null keeps them regardless of age
 * @param maxRows keep at most this many rows; 0 for no row limit
 */
public record Retention(Duration maxAge, long maxRows) {
    /** A year of history or a million rows, whichever is smaller: a few hundred MB of Derby at most. */
    public static final Retention DEFAULT = new Retention(Duration.ofDays(365), 1_000_000);
    public static final Retention UNLIMITED = new Retention(null, 0);

    public Retention {
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("retention maxAge must be positive, got " + maxAge);
        }
        if (maxRows < 0) {
            throw new IllegalArgumentException("retention maxRows must be >= 0, got " + maxRows);
        }
    }

    public static Retention ofDays(long days) {
        return new Retention(Duration.ofDays(days), 0);
    }
}
