package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ended resyncs' direct buffers: one collection after the last of a burst of ends, and only when enough waits. */
class SyncMemoryTest {
    private final AtomicInteger collections = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000);
    private final SyncMemory memory = new SyncMemory(collections::incrementAndGet, now::get);
    // the delayed settles are called by hand here; the timer only has to take them
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void burstOfEnds_collectsOnceAfterTheLast() {
        memory.ended("p1/vol0", 36L << 20, timer);
        long first = now.get();
        now.addAndGet(1_000_000);
        memory.ended("p1/vol1", 36L << 20, timer);
        long second = now.get();
        memory.settle("p1/vol0", first);
        assertEquals(0, collections.get(), "a later end settles for both");
        memory.settle("p1/vol1", second);
        assertEquals(1, collections.get());
        assertEquals(0, memory.pending());
        memory.settle("p1/vol1", second);
        assertEquals(1, collections.get(), "nothing left to give back");
    }

    @Test
    void littleGarbage_waitsForMore() {
        memory.ended("p1/vol0", 8L << 20, timer);
        memory.settle("p1/vol0", now.get());
        assertEquals(0, collections.get(), "8 MiB is not worth a full collection");
        now.addAndGet(1);
        memory.ended("p1/vol0", 8L << 20, timer);
        memory.settle("p1/vol0", now.get());
        assertEquals(1, collections.get(), "16 MiB of two resyncs is");
    }

    @Test
    void none_neverCollects_andAClosedTimerIsNoError() {
        SyncMemory.NONE.ended("p1/vol0", 64L << 20, timer);
        timer.shutdownNow();
        memory.ended("p1/vol0", 64L << 20, timer);
        assertEquals(64L << 20, memory.pending(), "kept for a later collection");
        assertEquals(0, collections.get());
    }
}
