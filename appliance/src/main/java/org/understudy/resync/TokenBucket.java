package org.understudy.resync;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A token bucket in bytes per second with a burst, for bandwidth caps on mirroring and resync traffic.
 *
 * <p>Tokens refill continuously at the rate up to the burst. A blocking request proceeds once the bucket holds
 * {@code min(bytes, burst/2)} tokens and takes all its bytes, possibly driving the bucket into debt that later
 * requests wait off: the long-run rate is exact, no request size is ever refused, and a waiter that wakes up to half a
 * bucket late loses nothing. Any window of T seconds carries at most {@code rate*T + burst + one request}.
 * {@link #tryAcquire} is stricter: it needs {@code min(bytes, burst)} tokens now.
 * Rate 0 means unlimited and costs one volatile read. The rate and burst change at run time with {@link #setRate};
 * a thread already waiting re-evaluates at once (it is signalled) and in any case at least every
 * {@link #MAX_WAIT_SLICE_NANOS}.
 *
 * <p>Time comes from an injected monotonic clock and waiting from an injected {@link Waiter}, so tests drive both by
 * hand. Thread-safe; waiting uses a {@link ReentrantLock} condition, which parks virtual threads without pinning.
 * Waiters are not served in strict FIFO order.
 */
public final class TokenBucket {

    /** Longest single wait before a waiting thread looks at the clock and the rate again. */
    public static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** How a waiting thread waits; called with the bucket's lock held, on the bucket's condition. */
    @FunctionalInterface
    public interface Waiter {
        /** Waits up to {@code nanos} or until signalled; may return early. */
        void await(Condition condition, long nanos) throws InterruptedException;

        /** The real waiter: {@link Condition#awaitNanos}. */
        Waiter REAL = Condition::awaitNanos;
    }

    private static final Logger LOG = LogManager.getLogger(TokenBucket.class);
    private static final double NANOS_PER_SECOND = 1e9;

    private final String name;
    private final LongSupplier clock;
    private final Waiter waiter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private volatile long rate;  // bytes per second; 0 = unlimited
    private long burst;          // guarded by lock
    private double tokens;       // guarded by lock; negative = debt
    private long lastRefill;     // guarded by lock

    /**
     * @param name  for logs, e.g. {@code mirror/p1}
     * @param rate  bytes per second, 0 = unlimited
     * @param burst bytes the bucket holds when full; 0 picks {@link #defaultBurst(long)}
     */
    public TokenBucket(String name, long rate, long burst, LongSupplier clock, Waiter waiter) {
        this.name = name;
        this.clock = clock;
        this.waiter = waiter;
        checkRate(rate, burst);
        this.rate = rate;
        this.burst = burst == 0 ? defaultBurst(rate) : burst;
        this.tokens = this.burst;
        this.lastRefill = clock.getAsLong();
    }

    /** A tenth of a second of traffic, at least 64 KiB: smooth enough for 10 s windows, large enough for frames. */
    public static long defaultBurst(long rate) {
        return Math.max(64 * 1024, rate / 10);
    }

    private static void checkRate(long rate, long burst) {
        if (rate < 0 || burst < 0) {
            throw new IllegalArgumentException("rate and burst must be >= 0 (0 = unlimited / default): rate " + rate
                    + " B/s, burst " + burst + " B");
        }
    }

    /** Waits until {@code bytes} may pass, then takes them. Returns at once when unlimited. */
    public void acquire(long bytes) throws InterruptedException {
        if (rate == 0 || bytes <= 0) {
            return;
        }
        lock.lockInterruptibly();
        try {
            while (true) {
                long r = rate;
                if (r == 0) {
                    return;
                }
                long now = clock.getAsLong();
                refill(now, r);
                // Half a bucket suffices: a waiter that wakes late then still finds room for what accrued
                // meanwhile instead of losing it to a full bucket.
                double need = Math.min(bytes, burst / 2.0);
                if (tokens >= need) {
                    tokens -= bytes;
                    return;
                }
                long waitNanos = (long) Math.ceil((need - tokens) * NANOS_PER_SECOND / r);
                waiter.await(changed, Math.max(1, Math.min(waitNanos, MAX_WAIT_SLICE_NANOS)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code bytes} if they may pass now; never waits. */
    public boolean tryAcquire(long bytes) {
        if (rate == 0 || bytes <= 0) {
            return true;
        }
        lock.lock();
        try {
            long r = rate;
            if (r == 0) {
                return true;
            }
            refill(clock.getAsLong(), r);
            if (tokens >= Math.min(bytes, burst)) {
                tokens -= bytes;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back tokens taken for traffic that did not go (e.g. the other cap refused it); capped at the burst. */
    public void refund(long bytes) {
        if (bytes <= 0) {
            return;
        }
        lock.lock();
        try {
            tokens = Math.min(burst, tokens + bytes);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes the cap; waiting threads see it at once. Tokens earned so far at the old rate are kept (up to the new
     * burst).
     *
     * @param newRate  bytes per second, 0 = unlimited
     * @param newBurst bytes, 0 = {@link #defaultBurst(long)} of the new rate
     */
    public void setRate(long newRate, long newBurst) {
        checkRate(newRate, newBurst);
        lock.lock();
        try {
            long oldRate = rate;
            long oldBurst = burst;
            long now = clock.getAsLong();
            if (oldRate != 0) {
                refill(now, oldRate);
            } else {
                lastRefill = now;
                tokens = 0; // leaving "unlimited": start empty, so the new cap holds from this instant
            }
            burst = newBurst == 0 ? defaultBurst(newRate) : newBurst;
            tokens = Math.min(tokens, burst);
            rate = newRate;
            changed.signalAll();
            LOG.info("{}: bandwidth cap {} -> {}, burst {} -> {} B", name, describeRate(oldRate),
                    describeRate(newRate), oldBurst, burst);
        } finally {
            lock.unlock();
        }
    }

    private void refill(long now, long r) {
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * (double) r / NANOS_PER_SECOND);
            lastRefill = now;
        }
    }

    /** The cap in bytes per second; 0 = unlimited. */
    public long rate() {
        return rate;
    }

    public long burst() {
        lock.lock();
        try {
            return burst;
        } finally {
            lock.unlock();
        }
    }

    /** Tokens available now (negative while in debt); a point-in-time figure. */
    public double available() {
        lock.lock();
        try {
            if (rate != 0) {
                refill(clock.getAsLong(), rate);
            }
            return tokens;
        } finally {
            lock.unlock();
        }
    }

    public String name() {
        return name;
    }

    static String describeRate(long r) {
        return r == 0 ? "unlimited" : String.format("%.2f MB/s", r / 1e6);
    }
}
