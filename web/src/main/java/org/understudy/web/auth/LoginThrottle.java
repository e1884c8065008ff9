package org.understudy.web.auth;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down a source that keeps failing to log in: after its n-th failure in a row it must wait
 * {@code FIRST * 2^(n-1)} (at most {@link #LONGEST}) before its next attempt is even checked. A success clears the
 * source; a source quiet for {@link #FORGET} starts again from nothing. Per source address, since that is what a
 * guesser cannot change cheaply. Bounded: past {@link #MAX_SOURCES} tracked sources the quietest are forgotten.
 * Thread-safe; time is the injected monotonic clock.
 */
public final class LoginThrottle {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofMinutes(1);
    static final Duration FORGET = Duration.ofMinutes(15);
    static final int MAX_SOURCES = 10_000;

    private record Record(int failures, long lastFailureNanos, long allowedAtNanos) {
    }

    private final Map<String, Record> sources = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    public LoginThrottle(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** How long {@code source} must still wait before a login attempt is checked; zero when it may try now. */
    public Duration delay(String source) {
        Record r = sources.get(source);
        if (r == null) {
            return Duration.ZERO;
        }
        long now = nanos.getAsLong();
        return r.allowedAtNanos > now ? Duration.ofNanos(r.allowedAtNanos - now) : Duration.ZERO;
    }

    /**
     * Counts a failed attempt; returns how long the source must now wait and how many failures in a row it has.
     */
    public Penalty failed(String source) {
        long now = nanos.getAsLong();
        if (sources.size() >= MAX_SOURCES && !sources.containsKey(source)) {
            forgetQuiet(now);
        }
        Record r = sources.compute(source, (k, old) -> {
            int n = old == null || now - old.lastFailureNanos > FORGET.toNanos() ? 1 : old.failures + 1;
            long delay = Math.min(LONGEST.toNanos(), FIRST.toNanos() << Math.min(n - 1, 20));
            return new Record(n, now, now + delay);
        });
        return new Penalty(r.failures, Duration.ofNanos(r.allowedAtNanos - now));
    }

    /** A successful login clears the source's record. */
    public void succeeded(String source) {
        sources.remove(source);
    }

    /** Sources currently tracked (for tests). */
    int tracked() {
        return sources.size();
    }

    private void forgetQuiet(long now) {
        sources.values().removeIf(r -> now - r.lastFailureNanos > FORGET.toNanos());
        if (sources.size() >= MAX_SOURCES) {
            sources.entrySet().stream().min(Map.Entry.comparingByValue(
                    java.util.Comparator.comparingLong(Record::lastFailureNanos)))
                    .ifPresent(e -> sources.remove(e.getKey()));
        }
    }

    /** What a failure cost: failures in a row from the source, and the wait before its next attempt. */
    public record Penalty(int failures, Duration delay) {
    }
}
