package org.understudy.resync;

import java.util.function.LongSupplier;

/**
 * The two independent throttle sets of a node: one for mirroring traffic, one for resync traffic. Immutable holder;
 * the sets themselves are thread-safe and changeable at run time.
 */
public record Throttles(ThrottleSet mirroring, ThrottleSet resync) {

    /** Both sets unlimited, on the real clock and waiter. */
    public static Throttles unlimited() {
        return create(System::nanoTime, TokenBucket.Waiter.REAL);
    }

    /** Both sets unlimited, on the given clock and waiter (tests pass fakes). */
    public static Throttles create(LongSupplier clock, TokenBucket.Waiter waiter) {
        return new Throttles(new ThrottleSet("mirror", 0, clock, waiter), new ThrottleSet("resync", 0, clock, waiter));
    }
}
