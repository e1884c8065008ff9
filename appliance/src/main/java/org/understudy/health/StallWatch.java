package org.understudy.health;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A {@link PauseWitness} that watches this process from a thread of its own: it sleeps a short period again and
 * again and records every wake-up that came later than a period after it was due (the whole process stood still:
 * a GC, a suspended VM, a SIGSTOP, or the machine gave it no CPU). A busy detector thread does not delay it.
 * Keeps the last {@value #KEPT} stalls. Thread-safe.
 */
public final class StallWatch implements PauseWitness, AutoCloseable {
    private static final int KEPT = 64;

    private record Stall(long end, long length) {
    }

    private final LongSupplier clock;
    private final LongConsumer sleep;
    private final long period;
    private final Deque<Stall> stalls = new ArrayDeque<>();
    private volatile boolean running = true;
    private Thread thread;

    /** @param sleep sleeps about the given ns (a test's fake advances its clock) */
    StallWatch(LongSupplier clock, LongConsumer sleep, long periodNanos) {
        this.clock = clock;
        this.sleep = sleep;
        this.period = periodNanos;
    }

    /** Starts watching on a daemon thread, waking every {@code periodNanos}. */
    public static StallWatch start(String name, long periodNanos) {
        StallWatch w = new StallWatch(System::nanoTime, java.util.concurrent.locks.LockSupport::parkNanos, periodNanos);
        w.thread = Thread.ofPlatform().daemon().name("stall-watch-" + name).start(() -> {
            while (w.running) {
                w.step();
            }
        });
        return w;
    }

    /** One sleep; a wake-up more than a period late is recorded as a stall ending now. */
    void step() {
        long before = clock.getAsLong();
        sleep.accept(period);
        long now = clock.getAsLong();
        long late = now - before - period;
        if (late > period) {
            synchronized (stalls) {
                stalls.addLast(new Stall(now, late));
                if (stalls.size() > KEPT) {
                    stalls.removeFirst();
                }
            }
        }
    }

    @Override
    public boolean stalled(long since, long longerThan) {
        synchronized (stalls) {
            return stalls.stream().anyMatch(s -> s.end - since > 0 && s.length > longerThan);
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
