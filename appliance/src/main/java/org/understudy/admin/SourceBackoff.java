package org.understudy.admin;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down a source address that keeps failing to authenticate on the admin API: the first
 * {@link #FREE_FAILURES} failures cost nothing; each further one shuts the source out for a back-off that doubles from
 * {@link #FIRST_MILLIS} up to {@link #MAX_MILLIS}, during which its requests are answered 429 with {@code Retry-After}
 * without looking at their credentials. A success, or {@link #FORGET_MILLIS} without a failure, forgets the source.
 * Per address, so a flood from one host never shuts out an operator elsewhere. At most {@link #MAX_SOURCES} sources
 * are tracked; when full, new ones are not slowed (their failures are still recorded). Thread-safe.
 */
final class SourceBackoff {
    static final int FREE_FAILURES = 5;
    static final long FIRST_MILLIS = 1_000;
    static final long MAX_MILLIS = 60_000;
    static final long FORGET_MILLIS = 10 * 60_000;
    static final int MAX_SOURCES = 10_000;

    private static final class Source {
        int failures;
        long lastFailure;
        long blockedUntil;
    }

    private final Map<String, Source> sources = new ConcurrentHashMap<>();

    /** Milliseconds {@code source} is still shut out at {@code now}; 0 when it may try. */
    long blockedFor(String source, long now) {
        Source s = sources.get(source);
        if (s == null) {
            return 0;
        }
        synchronized (s) {
            return Math.max(0, s.blockedUntil - now);
        }
    }

    /**
     * Counts a failure of {@code source} at {@code now}; returns the back-off it now serves (0 while it has failures
     * to spare).
     */
    long failure(String source, long now) {
        if (!sources.containsKey(source) && sources.size() >= MAX_SOURCES) {
            prune(now);
            if (sources.size() >= MAX_SOURCES) {
                return 0;
            }
        }
        Source s = sources.computeIfAbsent(source, k -> new Source());
        synchronized (s) {
            if (now - s.lastFailure > FORGET_MILLIS) {
                s.failures = 0;
            }
            s.failures++;
            s.lastFailure = now;
            if (s.failures <= FREE_FAILURES) {
                return 0;
            }
            int doublings = Math.min(s.failures - FREE_FAILURES - 1, 30);
            long backoff = Math.min(MAX_MILLIS, FIRST_MILLIS << doublings);
            s.blockedUntil = now + backoff;
            return backoff;
        }
    }

    /** A good credential from {@code source}: it starts afresh. */
    void success(String source) {
        if (!sources.isEmpty()) {
            sources.remove(source);
        }
    }

    private void prune(long now) {
        for (Iterator<Source> it = sources.values().iterator(); it.hasNext(); ) {
            Source s = it.next();
            synchronized (s) {
                if (now - s.lastFailure > FORGET_MILLIS && s.blockedUntil <= now) {
                    it.remove();
                }
            }
        }
    }
}
