package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sequential stream makes extents hot ahead of itself: fewer forces, and never a write the bitmap could lose. */
class DirtyBitmapHotAheadTest {
    static final int MIB = DirtyBitmapTest.MIB;
    static final int R = DirtyBitmapTest.R;
    static final int E = DirtyBitmapTest.E;

    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong();

    DirtyBitmap create(int ahead) throws IOException {
        java.nio.file.Files.deleteIfExists(dir.resolve("vol0.bitmap"));
        DirtyBitmap bm = DirtyBitmap.create("t/vol0", dir.resolve("vol0.bitmap"), 1L << 30, R, E, false, clock::get);
        bm.hotAhead(ahead);
        return bm;
    }

    DirtyBitmap reopen() throws IOException {
        return DirtyBitmap.open("t/vol0", dir.resolve("vol0.bitmap"), 1L << 30, R, E, DirtyBitmap.OnBadFile.FAIL,
                clock::get);
    }

    static void stream(DirtyBitmap bm, long from, long bytes) throws IOException {
        for (long o = from; o < from + bytes; o += MIB) {
            bm.markBeforeWrite(o, MIB);
        }
    }

    @Test
    void sequentialStream_withThreeAhead_forcesOncePerFourExtents() throws IOException {
        try (DirtyBitmap plain = create(0)) {
            stream(plain, 0, 16L * E);
            assertEquals(16, plain.hotExtentForces(), "without hot-ahead every new extent forces the file");
        }
        try (DirtyBitmap ahead = create(3)) {
            stream(ahead, 0, 16L * E);
            // extent 0 alone (nothing hot before it), then 1-4, 5-8, 9-12, 13-16
            assertEquals(5, ahead.hotExtentForces());
            assertEquals(17, ahead.hotExtentCount());
        }
    }

    @Test
    void writeIntoAnExtentMadeHotAhead_isDirtyAfterACrash() throws IOException {
        DirtyBitmap bm = create(3);
        stream(bm, 0, 2L * E);               // extent 1 makes 2..4 hot ahead
        long forces = bm.hotExtentForces();
        bm.markBeforeWrite(3L * E + 5 * R, 4096); // no force of its own: it relies on the record written ahead
        assertEquals(forces, bm.hotExtentForces());
        // no close: the process dies here, only what is on disk counts
        try (DirtyBitmap again = reopen()) {
            assertTrue(again.isDirty((3L * E + 5 * R) / R), "a write the ahead record covered must be resynced");
        }
    }

    @Test
    void randomWrite_withNoHotNeighbourBefore_makesNothingHotAhead() throws IOException {
        try (DirtyBitmap bm = create(3)) {
            bm.markBeforeWrite(100L * E, 4096);
            bm.markBeforeWrite(40L * E, 4096);
            assertEquals(2, bm.hotExtentCount());
        }
    }

    /** Random writes over two neighbouring extents: a crash must resync those two, not three more beside them. */
    @Test
    void randomWritesBesideAHotExtent_makeNothingHotAhead() throws IOException {
        try (DirtyBitmap bm = create(3)) {
            bm.markBeforeWrite(4L * E + 7 * R, 4096);
            bm.markBeforeWrite(5L * E + 3 * R, 4096);  // enters extent 5 just after hot 4, but not at its start
            bm.markBeforeWrite(4L * E + 9 * R, 4096);
            bm.markBeforeWrite(5L * E + 11 * R, 4096);
            assertEquals(2, bm.hotExtentCount());
        }
    }

    /** A stream whose writes do not line up with the extents still runs on from a hot extent into the next. */
    @Test
    void unalignedStream_crossingFromAHotExtent_makesExtentsHotAhead() throws IOException {
        try (DirtyBitmap bm = create(3)) {
            int step = 3 * MIB / 2;
            for (long o = 0; o < 3L * E; o += step) {
                bm.markBeforeWrite(o, step);
            }
            assertTrue(bm.hotExtentCount() >= 5, bm.hotExtentCount() + " extents hot");
            assertTrue(bm.hotExtentForces() <= 2, bm.hotExtentForces() + " forces");
        }
    }

    @Test
    void extentsMadeHotAhead_andNeverWritten_retireAtTheSecondFlush() throws IOException {
        try (DirtyBitmap bm = create(3)) {
            stream(bm, 0, 2L * E);               // extents 0..4 hot
            assertEquals(5, bm.hotExtentCount());
            bm.flush();                          // everything touched (ahead ones count as touched once)
            assertEquals(5, bm.hotExtentCount());
            bm.flush();                          // idle for a whole interval: retired
            assertEquals(0, bm.hotExtentCount());
        }
    }

    @Test
    void streamAtTheVolumeEnd_staysInsideTheVolume() throws IOException {
        try (DirtyBitmap bm = create(3)) {
            stream(bm, (1L << 30) - 2L * E, 2L * E); // the last two extents
            assertEquals(2, bm.hotExtentCount());
            assertThrows(IllegalArgumentException.class, () -> bm.hotAhead(-1));
        }
    }
}
