package org.understudy.web;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.web.live.LiveHub;
import org.understudy.web.pages.ConsoleState;
import org.understudy.web.series.SeriesStore;

/**
 * The console's one named thread: every {@link #TICK_MILLIS} ms, or {@link #SETTLE_MILLIS} ms after a model event
 * pokes it (so a burst of events costs one round), it takes one state of the node, adds a graph sample when one is
 * due, and lets the live hub send what changed. A model change thus reaches open pages within about a second at the
 * latest; with nothing changing, a round sends nothing. Thread-safe {@link #poke}.
 */
final class Publisher implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Publisher.class);
    static final long TICK_MILLIS = 1_000;
    static final long SETTLE_MILLIS = 50;

    private final String node;
    private final Supplier<ConsoleState> state;
    private final LiveHub<ConsoleState> hub;
    private final SeriesStore series;
    private final long sampleNanos;
    private final LongSupplier nanos;
    private final InstantSource wall;
    private final Thread thread;
    private volatile boolean poked;
    private volatile boolean running = true;
    private long lastSample = Long.MIN_VALUE;

    Publisher(String node, Supplier<ConsoleState> state, LiveHub<ConsoleState> hub, SeriesStore series, long sampleMillis,
              LongSupplier nanos, InstantSource wall) {
        this.node = node;
        this.state = state;
        this.hub = hub;
        this.series = series;
        this.sampleNanos = sampleMillis * 1_000_000;
        this.nanos = nanos;
        this.wall = wall;
        this.thread = new Thread(this::loop, "understudy-web-" + node);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Something changed: publish soon. Never blocks. */
    void poke() {
        poked = true;
        LockSupport.unpark(thread);
    }

    /** One round now, on the caller's thread (tests). */
    void round() {
        ConsoleState st = state.get();
        long now = nanos.getAsLong();
        if (now - lastSample >= sampleNanos || lastSample == Long.MIN_VALUE) {
            Instant at = wall.instant();
            series.sample(st.snapshot(), now, at);
            lastSample = now;
        }
        hub.publish(st);
    }

    private void loop() {
        while (running) {
            long deadline = System.nanoTime() + TICK_MILLIS * 1_000_000;
            while (running && !poked && System.nanoTime() < deadline) {
                LockSupport.parkNanos(deadline - System.nanoTime());
            }
            if (!running) {
                return;
            }
            if (poked) {
                // let the rest of a burst arrive: one round for a failover's dozen events
                LockSupport.parkNanos(SETTLE_MILLIS * 1_000_000);
                poked = false;
            }
            try {
                round();
            } catch (RuntimeException e) {
                LOG.error("{}: web live round failed, next in {} ms: {}", node, TICK_MILLIS, e.toString(), e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
