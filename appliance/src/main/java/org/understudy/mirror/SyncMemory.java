package org.understudy.mirror;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Gives back the direct memory of ended resyncs. A resync reads through up to window x chunk bytes of direct buffers
 * (a primary's 8 x 4 MiB per volume), all garbage once it ends; a direct buffer's memory goes only when a collection
 * finds its buffer object unreachable, and buffers that lived through a resync were promoted to the old generation,
 * which an idle agent may not collect for hours. After the initial sync of two 64 MiB volumes, up to 39 MiB of an idle
 * primary's RSS was such garbage (bench/agent.sh: its full collection took the RSS from 121.5 to 82.8 MiB). So a node
 * asks for one full collection once {@link #DELAY_NANOS} passed after a resync ended without another one ending, when
 * at least {@link #MIN_BYTES} wait: a pause of milliseconds on the agent's small heap (logged with its length), once
 * per resync, against tens of MiB held for nothing. A JVM run with {@code -XX:+DisableExplicitGC} ignores the request.
 * Thread-safe.
 */
public final class SyncMemory {
    private static final Logger LOG = LogManager.getLogger(SyncMemory.class);
    static final long DELAY_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long MIN_BYTES = 16L << 20;
    /** Collects nothing: volumes outside a node (tests, tools). */
    public static final SyncMemory NONE = new SyncMemory(null, System::nanoTime);

    private final Runnable collect;
    private final LongSupplier nanos;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);

    SyncMemory(Runnable collect, LongSupplier nanos) {
        this.collect = collect;
        this.nanos = nanos;
    }

    /** One per JVM: a collection is the whole JVM's, so the nodes of one JVM (the load harness's) share one. */
    private static final SyncMemory JVM = new SyncMemory(System::gc, System::nanoTime);

    /**
     * The JVM's: a full collection ({@link System#gc}) once no resync of any node in this JVM ended for {@link
     * #DELAY_NANOS}, so a JVM running many primaries collects once after their initial syncs, not once per primary.
     */
    public static SyncMemory collecting() {
        return JVM;
    }

    /** A resync of {@code volume} ended, leaving {@code bytes} of direct buffers behind; {@code timer} settles later. */
    void ended(String volume, long bytes, ScheduledExecutorService timer) {
        if (collect == null || bytes <= 0) {
            return;
        }
        pending.addAndGet(bytes);
        long at = nanos.getAsLong();
        lastEnd.set(at);
        try {
            timer.schedule(() -> settle(volume, at), DELAY_NANOS, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the volume is closing: its buffers go with a later collection
        }
    }

    /** Collects when no resync ended after {@code endedAt} and enough waits; a later end settles for both. */
    void settle(String volume, long endedAt) {
        if (lastEnd.get() != endedAt) {
            return;
        }
        long bytes = pending.get();
        if (bytes < MIN_BYTES || !pending.compareAndSet(bytes, 0)) {
            return;
        }
        long t0 = nanos.getAsLong();
        collect.run();
        LOG.info("mirror {}: resyncs ended, their {} MiB of direct buffers given back by a full collection ({} ms)",
                volume, bytes >> 20, String.format("%.1f", (nanos.getAsLong() - t0) / 1e6));
    }

    /** Bytes of ended resyncs' buffers not yet collected (tests). */
    long pending() {
        return pending.get();
    }
}
