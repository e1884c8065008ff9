package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what marking costs on the write path: a hot extent (no I/O) and a new extent (one forced record). Bounds
 * are generous (a loaded CI box must pass); the figures are logged for the record.
 */
class DirtyBitmapCostTest {

    private static final Logger LOG = LogManager.getLogger(DirtyBitmapCostTest.class);

    @TempDir
    Path dir;

    @Test
    void markBeforeWrite_costOnHotAndOnNewExtent() throws Exception {
        long size = 64L << 30; // 64 GiB volume: 1 Mi regions, 16 Ki extents
        int e = DirtyBitmap.DEFAULT_EXTENT_SIZE;
        try (DirtyBitmap bm = DirtyBitmap.create("cost", dir.resolve("b"), size, DirtyBitmap.DEFAULT_REGION_SIZE, e,
                false, System::nanoTime)) {
            bm.markBeforeWrite(0, e); // make extent 0 hot
            int n = 2_000_000;
            long sink = 0;
            for (int round = 0; round < 3; round++) { // the last round is measured, the others warm up
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long off = ((long) i * 4096) & (e - 1);
                    bm.markBeforeWrite(off, 4096);
                    if ((i & 1) == 0) {
                        bm.clear(off, 4096); // half the calls really flip a bit, as in synchronous mirroring
                    }
                }
                sink += System.nanoTime() - t0;
                if (round == 2) {
                    double hotNs = (System.nanoTime() - t0) / (double) n;
                    LOG.info("markBeforeWrite+clear on a hot extent: {} ns per call", String.format("%.1f", hotNs));
                    System.out.printf("FIGURE hot-extent markBeforeWrite (+clear every 2nd call): %.1f ns%n", hotNs);
                    assertTrue(hotNs < 2000, "hot path too slow: " + hotNs + " ns");
                }
            }
            bm.markBeforeWrite(0, e);
            long a0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                bm.markBeforeWrite(((long) i * 4096) & (e - 1), 4096); // bit already set: reads only
            }
            double alreadyNs = (System.nanoTime() - a0) / (double) n;
            System.out.printf("FIGURE hot-extent markBeforeWrite, region already dirty: %.1f ns%n", alreadyNs);
            assertTrue(alreadyNs < 2000, "already-dirty path too slow: " + alreadyNs + " ns");
            int newExtents = 300;
            long t0 = System.nanoTime();
            for (int i = 1; i <= newExtents; i++) {
                bm.markBeforeWrite((long) i * 7 * e, 4096);
            }
            double newUs = (System.nanoTime() - t0) / 1000.0 / newExtents;
            LOG.info("markBeforeWrite on a new extent (record + fdatasync): {} us per call",
                    String.format("%.1f", newUs));
            System.out.printf("FIGURE new-extent markBeforeWrite (16-byte record + force): %.1f us%n", newUs);
            long f0 = System.nanoTime();
            bm.flush();
            System.out.printf("FIGURE flush of a 64 GiB volume's bitmap (128 KiB snapshot + force): %.1f us%n",
                    (System.nanoTime() - f0) / 1000.0);
            assertTrue(newUs < 200_000, "new extent too slow: " + newUs + " us");
            assertTrue(sink > 0);
        }
    }
}
