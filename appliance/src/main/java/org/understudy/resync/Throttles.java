package org.understudy.resync;

import java.util.function.LongSupplier;
import org.understudy.model.BandwidthCaps;

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

    /** The caps in force on {@code link}'s traffic: for each kind, the tighter of the link's cap and the global one. */
    public BandwidthCaps capsOf(String link) {
        return new BandwidthCaps(BandwidthCaps.tighter(mirroring.linkRate(link), mirroring.globalRate()),
                BandwidthCaps.tighter(resync.linkRate(link), resync.globalRate()));
    }
}
