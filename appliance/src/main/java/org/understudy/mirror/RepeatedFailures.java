package org.understudy.mirror;

/**
 * Decides which of a link's repeated connect failures are worth a log line. The first failure of a kind is logged at
 * once; the same failure again (a fenced primary refused every few seconds, a standby that stays down) only after a
 * pause that doubles from {@link #FIRST_PAUSE_NANOS} up to {@link #MAX_PAUSE_NANOS}, and then with the count of
 * those not logged. A different failure, or a success, starts afresh. Not thread-safe: the link keeper calls it
 * under its monitor.
 */
final class RepeatedFailures {
    static final long FIRST_PAUSE_NANOS = 60_000_000_000L;
    static final long MAX_PAUSE_NANOS = 3_600_000_000_000L;

    private String last;
    private long count;
    private long unlogged;
    private long firstNanos;
    private long nextLineNanos;
    private long pause;

    /**
     * One failure with {@code reason} at {@code nanos}: how many identical failures since the last line this line
     * stands for (0: the first), or -1 when it should not be logged.
     */
    long failed(String reason, long nanos) {
        if (!reason.equals(last)) {
            last = reason;
            count = 1;
            unlogged = 0;
            firstNanos = nanos;
            pause = FIRST_PAUSE_NANOS;
            nextLineNanos = nanos + pause;
            return 0;
        }
        count++;
        if (nanos - nextLineNanos < 0) {
            unlogged++;
            return -1;
        }
        long n = unlogged;
        unlogged = 0;
        pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
        nextLineNanos = nanos + pause;
        return n;
    }

    /** Identical failures in a row so far (the current one included). */
    long inARow() {
        return count;
    }

    /** Monotonic time of the first failure of the current run. */
    long since() {
        return firstNanos;
    }

    /** A success: the next failure is news again. Returns how many failures were not logged. */
    long succeeded() {
        long n = unlogged;
        last = null;
        count = 0;
        unlogged = 0;
        return n;
    }
}
