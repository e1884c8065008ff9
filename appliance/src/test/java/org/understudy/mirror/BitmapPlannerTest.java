package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.resync.DirtyBitmap;

/** When the planner may clear a region: the caller contract of the dirty bitmap, case by case. */
class BitmapPlannerTest {
    private static final int R = 64 * 1024;

    @TempDir
    Path dir;
    private DirtyBitmap bitmap;
    private BitmapPlanner planner;

    @BeforeEach
    void open() throws Exception {
        bitmap = DirtyBitmap.create("t", dir.resolve("b"), 64L * R, R, 16 * R, false, System::nanoTime);
        planner = new BitmapPlanner("t", bitmap, true);
    }

    @AfterEach
    void close() throws Exception {
        bitmap.close();
    }

    @Test
    void ackedWrite_onCleanRegion_clears() throws Exception {
        planner.beforeWrite(10, 100);
        assertTrue(bitmap.isDirty(0), "marked before the write");
        planner.replicated(10, 100);
        assertFalse(bitmap.isDirty(0));
    }

    @Test
    void ackedWrite_onRegionAlreadyDirty_keepsIt_untilAResyncChunkCoversIt() throws Exception {
        planner.beforeWrite(0, 4096);
        planner.markUnreplicated(0, 4096); // link down: the replica lacks this
        planner.beforeWrite(8192, 4096);
        planner.replicated(8192, 4096); // confirms only its own bytes
        assertTrue(bitmap.isDirty(0), "older unconfirmed data in the region");
        planner.chunkCopied(0, R);
        assertFalse(bitmap.isDirty(0));
    }

    @Test
    void twoWritesInFlight_clearOnlyWhenTheLastIsAcked_andNeverIfOneFailed() throws Exception {
        planner.beforeWrite(0, 4096);
        planner.beforeWrite(4096, 4096);
        planner.replicated(0, 4096);
        assertTrue(bitmap.isDirty(0), "a write to the region is still in flight");
        planner.replicated(4096, 4096);
        assertFalse(bitmap.isDirty(0));

        planner.beforeWrite(R, 4096);
        planner.beforeWrite(R + 4096, 4096);
        planner.markUnreplicated(R, 4096);
        planner.replicated(R + 4096, 4096);
        assertTrue(bitmap.isDirty(1), "one write failed: the region stays dirty");
    }

    @Test
    void chunkAcked_whileANewerWriteIsInFlight_clearsOnlyWhenThatWriteIsAcked() throws Exception {
        planner.beforeWrite(0, 4096);
        planner.markUnreplicated(0, 4096);
        planner.beforeWrite(100, 10); // queued after the chunk
        planner.chunkCopied(0, R);
        assertTrue(bitmap.isDirty(0));
        planner.replicated(100, 10);
        assertFalse(bitmap.isDirty(0));
    }

    @Test
    void chunkCoveringPartOfARegion_doesNotClearIt() throws Exception {
        planner.beforeWrite(0, 2 * R);
        planner.markUnreplicated(0, 2 * R);
        planner.chunkCopied(R / 2, R);
        assertTrue(bitmap.isDirty(0));
        assertTrue(bitmap.isDirty(1));
    }

    @Test
    void plan_isDiskOrder_neighboursMerged() throws Exception {
        for (long off : new long[] {5L * R, 2L * R, 3L * R, 40L * R + 1}) {
            planner.beforeWrite(off, 10);
            planner.markUnreplicated(off, 10);
        }
        assertEquals(List.of(new ResyncPlanner.Extent(2L * R, 2L * R), new ResyncPlanner.Extent(5L * R, R),
                new ResyncPlanner.Extent(40L * R, R)), planner.plan(64L * R, true));
        assertEquals(4, planner.info().dirtyRegions());
    }
}
