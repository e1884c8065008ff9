package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent writers, clearers and a flusher that keeps retiring extents: guards the fast-path/retire race (a writer
 * that trusted a hot extent while a flush retired it must still find its bit in the snapshot).
 */
class DirtyBitmapConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void concurrentMarkClearFlush_noMarkLostInMemoryOrOnDisk() throws Exception {
        Path file = dir.resolve("c.bitmap");
        long size = 256L << 20; // 64 extents, 4096 regions: heavy sharing of extents between threads
        int r = DirtyBitmap.DEFAULT_REGION_SIZE;
        DirtyBitmap bm = DirtyBitmap.create("c", file, size, r, DirtyBitmap.DEFAULT_EXTENT_SIZE, false,
                System::nanoTime);
        int threads = 4;
        int regions = (int) bm.regionCount();
        BitSet[] required = new BitSet[threads];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            required[t] = new BitSet(regions);
            workers.add(Thread.ofPlatform().start(() -> {
                SplittableRandom rnd = new SplittableRandom(me);
                try {
                    for (int i = 0; i < 100_000; i++) {
                        // each thread owns regions r % threads == me, so its clears never race another's marks
                        int region = rnd.nextInt(regions / threads) * threads + me;
                        ops.incrementAndGet();
                        if (rnd.nextInt(3) == 0) {
                            required[me].clear(region);
                            bm.clearRegion(region);
                        } else {
                            bm.markBeforeWrite((long) region * r + rnd.nextInt(r), 1);
                            required[me].set(region);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        Thread flusher = Thread.ofPlatform().start(() -> {
            try {
                // a flush every ~4000 operations, concurrent with the writers: each one retires every extent that
                // went idle, so writers keep racing retirement without paying an fsync per write
                long next = 4000;
                while (!stop.get()) {
                    if (ops.get() >= next) {
                        bm.flush();
                        next = ops.get() + 4000;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        for (Thread w : workers) {
            w.join();
        }
        stop.set(true);
        flusher.join();
        assertEquals(null, failure.get());
        BitSet all = new BitSet();
        for (BitSet b : required) {
            all.or(b);
        }
        long inMemory = 0;
        for (int i = 0; i < regions; i++) {
            if (bm.isDirty(i)) {
                inMemory++;
            }
        }
        assertEquals(all.cardinality(), inMemory, "memory holds exactly the marked-not-cleared regions");
        assertEquals(inMemory, bm.dirtyRegionCount(), "counter agrees with the bits");
        bm.flush();
        bm.flush(); // retire everything idle, so reopen depends on the snapshot alone
        assertEquals(0, bm.hotExtentCount());
        // reopen without close: what is on disk must cover every marked region
        try (DirtyBitmap again = DirtyBitmap.open("c2", file, size, r, DirtyBitmap.DEFAULT_EXTENT_SIZE,
                DirtyBitmap.OnBadFile.FAIL, System::nanoTime)) {
            for (int i = all.nextSetBit(0); i >= 0; i = all.nextSetBit(i + 1)) {
                assertTrue(again.isDirty(i), "region " + i + " lost on disk");
            }
            assertEquals(all.cardinality(), again.dirtyRegionCount(), "after retiring, disk holds exactly memory");
        }
        bm.close();
    }
}
