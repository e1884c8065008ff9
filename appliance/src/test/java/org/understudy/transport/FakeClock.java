package org.understudy.transport;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A hand-driven monotonic clock (nanoseconds) that is also a wall clock starting at a fixed instant. Thread-safe. */
public final class FakeClock implements LongSupplier, InstantSource {
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long getAsLong() {
        return nanos.get();
    }

    @Override
    public Instant instant() {
        return EPOCH.plusNanos(nanos.get());
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    void set(long n) {
        nanos.set(n);
    }
}
