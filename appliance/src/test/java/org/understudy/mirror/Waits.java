package org.understudy.mirror;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.understudy.e2e.Poll;

/** Condition-first polling for the resync tests, over the shared {@link Poll}. */
final class Waits {
    private Waits() {
    }

    static void until(Duration limit, BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        Poll.until(limit, what, condition::getAsBoolean);
    }
}
