package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirtyBitmapTest {

    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;
    static final int R = DirtyBitmap.DEFAULT_REGION_SIZE;
    static final int E = DirtyBitmap.DEFAULT_EXTENT_SIZE;

    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong();

    Path file() {
        return dir.resolve("vol0.bitmap");
    }

    DirtyBitmap create(long volumeSize) throws IOException {
        return DirtyBitmap.create("t/vol0", file(), volumeSize, R, E, false, clock::get);
    }

    DirtyBitmap reopen(long volumeSize, DirtyBitmap.OnBadFile onBad) throws IOException {
        return DirtyBitmap.open("t/vol0", file(), volumeSize, R, E, onBad, clock::get);
    }

    @Test
    void create_newFile_allClean() throws IOException {
        try (DirtyBitmap bm = create(1L << 30)) {
            assertEquals(0, bm.dirtyRegionCount());
            assertEquals(0, bm.dirtyBytes());
            assertEquals(16384, bm.regionCount());
            assertEquals(-1, bm.nextDirtyRegion(0));
        }
    }

    @Test
    void create_allDirty_everyRegionDirtyAndDurable() throws IOException {
        long size = 10L * MIB + 5000;
        try (DirtyBitmap bm = DirtyBitmap.create("t", file(), size, R, E, true, clock::get)) {
            assertEquals(bm.regionCount(), bm.dirtyRegionCount());
            assertEquals(size, bm.dirtyBytes());
        }
        try (DirtyBitmap bm = reopen(size, DirtyBitmap.OnBadFile.FAIL)) {
            assertEquals(size, bm.dirtyBytes());
        }
    }

    @Test
    void markBeforeWrite_rangeAcrossRegionsAndWords_setsExactlyTouchedRegions() throws IOException {
        try (DirtyBitmap bm = create(1L << 30)) {
            bm.markBeforeWrite(63L * R + R - 1, 2 + 2L * R); // last byte of 63 through first bytes of 66
            assertEquals(List.of(63L, 64L, 65L, 66L), dirtyList(bm));
            assertEquals(4L * R, bm.dirtyBytes());
            bm.markBeforeWrite(64L * R, 10); // already dirty: count unchanged
            assertEquals(4, bm.dirtyRegionCount());
        }
    }

    @Test
    void markBeforeWrite_zeroLength_noOp() throws IOException {
        try (DirtyBitmap bm = create(1L << 20)) {
            bm.markBeforeWrite(4096, 0);
            assertEquals(0, bm.dirtyRegionCount());
        }
    }

    @Test
    void markBeforeWrite_outsideVolume_rejectedWithReason() throws IOException {
        try (DirtyBitmap bm = create(1L << 20)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> bm.markBeforeWrite((1L << 20) - 10, 11));
            assertTrue(e.getMessage().contains("outside the volume"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> bm.markBeforeWrite(-1, 1));
            assertThrows(IllegalArgumentException.class, () -> bm.markBeforeWrite(Long.MAX_VALUE, Long.MAX_VALUE));
            assertThrows(IllegalArgumentException.class, () -> bm.clearRegion(16));
        }
    }

    @Test
    void create_badGeometry_rejected() {
        assertThrows(IllegalArgumentException.class,
                () -> DirtyBitmap.create("t", file(), 1 << 20, 2048, E, false, clock::get));
        assertThrows(IllegalArgumentException.class,
                () -> DirtyBitmap.create("t", file(), 1 << 20, 96 * KIB, E, false, clock::get));
        assertThrows(IllegalArgumentException.class,
                () -> DirtyBitmap.create("t", file(), 1 << 20, R, R / 2, false, clock::get));
        assertThrows(IllegalArgumentException.class,
                () -> DirtyBitmap.create("t", file(), 0, R, E, false, clock::get));
    }

    @Test
    void lastRegionPartial_dirtyBytesCountsOnlyInsideVolume() throws IOException {
        long size = 3L * R + 100;
        try (DirtyBitmap bm = create(size)) {
            assertEquals(4, bm.regionCount());
            assertEquals(100, bm.regionLength(3));
            bm.markBeforeWrite(size - 1, 1);
            assertEquals(100, bm.dirtyBytes());
            bm.markAll();
            assertEquals(size, bm.dirtyBytes());
        }
    }

    @Test
    void clear_rangeAndRegion_clearsAndCounts() throws IOException {
        try (DirtyBitmap bm = create(1L << 30)) {
            bm.markBeforeWrite(0, 10L * R);
            bm.clear(R, 2L * R);
            bm.clearRegion(9);
            bm.clear(5L * R + 7, 1);
            assertEquals(List.of(0L, 3L, 4L, 6L, 7L, 8L), dirtyList(bm));
            assertEquals(6, bm.dirtyRegionCount());
            assertFalse(bm.isDirty(5));
            assertTrue(bm.isDirty(6));
        }
    }

    @Test
    void nextDirtyRegion_diskOrderAndResumable() throws IOException {
        try (DirtyBitmap bm = create(1L << 34)) {
            long[] marked = {262143, 5, 70000, 64, 63, 128, 200000};
            for (long r : marked) {
                bm.markBeforeWrite(r * R, 1);
            }
            List<Long> firstHalf = new ArrayList<>();
            long r = bm.nextDirtyRegion(0);
            while (r >= 0 && firstHalf.size() < 3) {
                firstHalf.add(r);
                r = bm.nextDirtyRegion(r + 1);
            }
            assertEquals(List.of(5L, 63L, 64L), firstHalf);
            // a resync interrupted after region 64 resumes from 65
            assertEquals(List.of(128L, 70000L, 200000L, 262143L), dirtyListFrom(bm, 65));
            assertEquals(-1, bm.nextDirtyRegion(262144));
            assertEquals(5, bm.nextDirtyRegion(-3));
        }
    }

    @Test
    void reopen_afterClose_keepsDirtyAndClearedState() throws IOException {
        long size = 1L << 30;
        try (DirtyBitmap bm = create(size)) {
            bm.markBeforeWrite(0, 3L * R);
            bm.markBeforeWrite(500L * MIB, 1);
            bm.clearRegion(1);
            bm.flush();
            bm.flush(); // second flush retires the now-idle extents, so reopen shows the snapshot alone
            assertEquals(0, bm.hotExtentCount());
        }
        try (DirtyBitmap bm = reopen(size, DirtyBitmap.OnBadFile.FAIL)) {
            assertEquals(List.of(0L, 2L, 8000L), dirtyList(bm));
        }
    }

    @Test
    void reopen_withoutFlushOrClose_hotExtentsCoverEveryMarkedRegion() throws IOException {
        long size = 1L << 30;
        DirtyBitmap crashed = create(size);
        crashed.markBeforeWrite(7L * R, 1);
        crashed.markBeforeWrite(300L * MIB + 5, 4096);
        // no flush, no close: the process "dies" here with the file as the markings left it
        try (DirtyBitmap bm = reopen(size, DirtyBitmap.OnBadFile.FAIL)) {
            assertTrue(bm.isDirty(7));
            assertTrue(bm.isDirty(300L * MIB / R));
            // the whole hot extents count as dirty: over-approximation, never under
            assertEquals(2L * (E / R), bm.dirtyRegionCount());
        }
    }

    @Test
    void markBeforeWrite_hotExtent_noForce_newExtent_oneForce() throws IOException {
        try (DirtyBitmap bm = create(1L << 30)) {
            bm.markBeforeWrite(0, 4096);
            assertEquals(1, bm.hotExtentForces());
            for (int i = 0; i < 64; i++) {
                bm.markBeforeWrite((long) i * R, 4096); // same 4 MiB extent
            }
            assertEquals(1, bm.hotExtentForces());
            bm.markBeforeWrite(E - 10, 20); // straddles into extent 1: one force for the new extent
            assertEquals(2, bm.hotExtentForces());
            assertEquals(2, bm.hotExtentCount());
            bm.markBeforeWrite(10L * E, 3L * E); // three new extents, one force
            assertEquals(3, bm.hotExtentForces());
            assertEquals(5, bm.hotExtentCount());
        }
    }

    @Test
    void flush_retiresOnlyIdleExtents_nextWriteForcesAgain() throws IOException {
        try (DirtyBitmap bm = create(1L << 30)) {
            bm.markBeforeWrite(0, 1);
            bm.markBeforeWrite(E, 1);
            bm.flush();                      // both touched since last flush: kept
            assertEquals(2, bm.hotExtentCount());
            bm.markBeforeWrite(E + 5, 1);    // extent 1 stays busy
            bm.flush();                      // extent 0 idle for a whole interval: retired
            assertEquals(1, bm.hotExtentCount());
            long forces = bm.hotExtentForces();
            bm.markBeforeWrite(10, 1);
            assertEquals(forces + 1, bm.hotExtentForces());
            assertTrue(bm.isDirty(0));
        }
    }

    @Test
    void retiredDirtyExtent_survivesReopenThroughSnapshot() throws IOException {
        long size = 1L << 30;
        DirtyBitmap bm = create(size);
        bm.markBeforeWrite(3L * R, 1);
        bm.flush();
        bm.flush(); // extent 0 retired while region 3 is still dirty: the snapshot must carry it
        assertEquals(0, bm.hotExtentCount());
        try (DirtyBitmap again = reopen(size, DirtyBitmap.OnBadFile.FAIL)) {
            assertEquals(List.of(3L), dirtyList(again));
        }
    }

    @Test
    void markAll_durableImmediately() throws IOException {
        long size = 100L * MIB;
        DirtyBitmap bm = create(size);
        bm.markAll();
        try (DirtyBitmap again = reopen(size, DirtyBitmap.OnBadFile.FAIL)) {
            assertEquals(size, again.dirtyBytes());
        }
    }

    @Test
    void open_missingFile_failOrAllDirty() throws IOException {
        DirtyBitmapException e = assertThrows(DirtyBitmapException.class,
                () -> reopen(1L << 30, DirtyBitmap.OnBadFile.FAIL));
        assertEquals(DirtyBitmapException.Reason.MISSING, e.reason());
        try (DirtyBitmap bm = reopen(1L << 30, DirtyBitmap.OnBadFile.TREAT_ALL_DIRTY)) {
            assertEquals(1L << 30, bm.dirtyBytes());
        }
    }

    @Test
    void open_corruptHeader_failOrAllDirtyKeepingBadFileAside() throws IOException {
        long size = 1L << 30;
        create(size).close();
        flipByte(file(), 9);
        DirtyBitmapException e = assertThrows(DirtyBitmapException.class,
                () -> reopen(size, DirtyBitmap.OnBadFile.FAIL));
        assertEquals(DirtyBitmapException.Reason.CORRUPT, e.reason());
        try (DirtyBitmap bm = reopen(size, DirtyBitmap.OnBadFile.TREAT_ALL_DIRTY)) {
            assertEquals(bm.regionCount(), bm.dirtyRegionCount());
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().contains(".bad-")).count());
        }
    }

    @Test
    void open_otherGeometry_mismatch() throws IOException {
        create(1L << 30).close();
        DirtyBitmapException e = assertThrows(DirtyBitmapException.class,
                () -> reopen(2L << 30, DirtyBitmap.OnBadFile.FAIL));
        assertEquals(DirtyBitmapException.Reason.MISMATCH, e.reason());
        e = assertThrows(DirtyBitmapException.class, () -> DirtyBitmap.open("t", file(), 1L << 30, 128 * KIB, E,
                DirtyBitmap.OnBadFile.FAIL, clock::get));
        assertEquals(DirtyBitmapException.Reason.MISMATCH, e.reason());
    }

    @Test
    void open_truncatedFile_corrupt() throws IOException {
        create(1L << 30).close();
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.truncate(5000);
        }
        DirtyBitmapException e = assertThrows(DirtyBitmapException.class,
                () -> reopen(1L << 30, DirtyBitmap.OnBadFile.FAIL));
        assertEquals(DirtyBitmapException.Reason.CORRUPT, e.reason());
    }

    @Test
    void open_tornHotRecord_treatsItsExtentsAsHot() throws IOException {
        long size = 1L << 30; // 256 extents = 4 hot records
        DirtyBitmap bm = create(size);
        bm.markBeforeWrite(70L * E, 1); // record 1
        bm.close();
        flipByte(file(), BitmapFileLayout.HEADER_LEN + 16 + 3); // damage record 1
        try (DirtyBitmap again = reopen(size, DirtyBitmap.OnBadFile.FAIL)) {
            assertEquals(64, again.hotExtentCount());
            assertEquals(64L * E, again.dirtyBytes());
            assertTrue(again.isDirty(70L * E / R));
        }
    }

    @Test
    void open_newestSnapshotDamaged_olderSlotPlusHotExtentsStillCover() throws IOException {
        long size = 1L << 30;
        DirtyBitmap bm = create(size);
        bm.markBeforeWrite(2L * R, 1);
        bm.flush(); // snapshot seq 2 in slot 0; extent 0 touched so still hot
        BitmapFileLayout layout = new BitmapFileLayout(size, R, E);
        flipByte(file(), layout.slotOffset(0) + BitmapFileLayout.SLOT_HEADER_LEN + 1);
        try (DirtyBitmap again = reopen(size, DirtyBitmap.OnBadFile.FAIL)) {
            assertTrue(again.isDirty(2));
        }
    }

    @Test
    void open_bothSnapshotsDamaged_corrupt() throws IOException {
        long size = 1L << 30;
        DirtyBitmap bm = create(size);
        bm.markBeforeWrite(0, 1);
        bm.flush();
        bm.close();
        BitmapFileLayout layout = new BitmapFileLayout(size, R, E);
        flipByte(file(), layout.slotOffset(0) + 20);
        flipByte(file(), layout.slotOffset(1) + 20);
        assertEquals(DirtyBitmapException.Reason.CORRUPT, assertThrows(DirtyBitmapException.class,
                () -> reopen(size, DirtyBitmap.OnBadFile.FAIL)).reason());
    }

    @Test
    void closed_bitmapRefusesIo() throws IOException {
        DirtyBitmap bm = create(1L << 20);
        bm.markBeforeWrite(0, 1); // extent 0 hot: closing must still stop the no-I/O path
        bm.close();
        bm.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> bm.markBeforeWrite(0, 1));
        assertThrows(IllegalStateException.class, bm::flush);
    }

    static List<Long> dirtyList(DirtyBitmap bm) {
        return dirtyListFrom(bm, 0);
    }

    static List<Long> dirtyListFrom(DirtyBitmap bm, long from) {
        List<Long> out = new ArrayList<>();
        for (long r = bm.nextDirtyRegion(from); r >= 0; r = bm.nextDirtyRegion(r + 1)) {
            out.add(r);
        }
        return out;
    }

    static void flipByte(Path p, long pos) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, pos);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, pos);
        }
    }
}
