package org.understudy.nbd;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Logs refused connections without flooding the log: the first refusal of a burst at once, then at most one line per
 * {@link #INTERVAL_NANOS} with how many were refused since the last line. Thread-safe.
 */
final class RefusalLog {
    private static final Logger LOG = LogManager.getLogger(RefusalLog.class);
    static final long INTERVAL_NANOS = 10_000_000_000L;

    private final String what;
    private final LongSupplier nanos;
    private final java.util.function.Consumer<String> lines;
    private final AtomicLong total = new AtomicLong();
    private long unlogged;
    private long lastLine = Long.MIN_VALUE;

    RefusalLog(String what, LongSupplier nanos) {
        this(what, nanos, LOG::warn);
    }

    /** @param lines where each log line goes (the log's WARN level; tests collect them) */
    RefusalLog(String what, LongSupplier nanos, java.util.function.Consumer<String> lines) {
        this.what = what;
        this.nanos = nanos;
        this.lines = lines;
    }

    void refused(String from, String why) {
        total.incrementAndGet();
        long now = nanos.getAsLong();
        long count;
        synchronized (this) {
            unlogged++;
            if (lastLine != Long.MIN_VALUE && now - lastLine < INTERVAL_NANOS) {
                return;
            }
            count = unlogged;
            unlogged = 0;
            lastLine = now;
        }
        lines.accept(what + ": refused " + count + " connection(s) (the last from " + from + "): " + why + "; "
                + total.get() + " refused since start");
    }

    long total() {
        return total.get();
    }
}
