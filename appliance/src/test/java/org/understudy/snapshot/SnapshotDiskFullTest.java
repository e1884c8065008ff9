package org.understudy.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.understudy.snapshot.SnapshotStoreTest.fill;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.model.SnapshotKind;
import org.understudy.testing.MemoryDir;
import org.understudy.testing.SmallDisk;

/**
 * Regression (issue 13): with no space limit, snapshots that held the room a replica's writes needed stalled the
 * mirror for good once the standby's disk had filled up ("No space left on device" on every try). Now a full file
 * system drops the oldest snapshot, gives its room back to the file system (its chunks' range punched, not only marked
 * free) and the write goes on; a pre-resync snapshot protecting a resync in progress goes last. The full disks are
 * real ones: small tmpfs mounts (root only; skipped elsewhere).
 */
class SnapshotDiskFullTest {
    private static final int CHUNK = 4096;
    private static final long MIB = 1 << 20;

    @RegisterExtension
    final MemoryDir memory = new MemoryDir();

    @Test
    void fullDisk_preservingAChunk_dropsOnlyTheOldest_itsRoomPunchedBack_andTheWriteGoesOn() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(16 * MIB);
             StoreFixture f = new StoreFixture(disk.path(), 4 * MIB, CHUNK, 0)) {
            List<String> why = new ArrayList<>();
            f.store.onDropped((i, reason) -> why.add(i.name() + ": " + reason));
            f.writer.write(0, fill(4 * MIB, (byte) 'A'));
            f.snapshot("s1");
            f.writer.write(0, fill(2 * MIB, (byte) 'B'));      // 2 MiB of A preserved into s1: the lower slots
            long s2 = f.snapshot("s2");
            f.writer.write(0, fill(MIB, (byte) 'C'));          // 1 MiB of B preserved into s2: the slots above
            fullButOneMiB(disk);

            // 2 MiB of A to preserve into s2 first: the chunk file must grow by 2 MiB, with 1 MiB free
            f.writer.write(2 * MIB, fill(2 * MIB, (byte) 'D'));

            // s1's slots lie below s2's: cutting the chunk file back alone gives nothing, s2 would go too
            assertEquals(1, why.size(), "only the oldest snapshot goes: " + why);
            assertTrue(why.getFirst().startsWith("s1: the file system is full (p1/vol0: preserving chunks: No space"
                    + " left on device): the oldest snapshot, s1 (2097152 bytes), goes"), why.getFirst());
            assertEquals(List.of(s2), f.store.list().stream().map(SnapshotInfo::id).toList());
            byte[] live = f.readLive();
            assertEquals('D', live[(int) (4 * MIB - 1)]);
            assertEquals('C', live[0]);
            byte[] s2Content = new byte[(int) (4 * MIB)];
            Arrays.fill(s2Content, 0, (int) (2 * MIB), (byte) 'B');
            Arrays.fill(s2Content, (int) (2 * MIB), (int) (4 * MIB), (byte) 'A');
            assertArrayEquals(s2Content, f.readImage(s2), "s2 still reads its point in time");
            assertEquals(3 * MIB, f.store.usedBytes());
            assertTrue(f.store.diskShort(), "the disk is still short: the space alarm stays");
        }
    }

    @Test
    void fullDisk_replicaWriteIntoAHole_dropsTheSnapshotThatHeldTheRoom_andGoesThrough() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(16 * MIB);
             StoreFixture f = new StoreFixture(disk.path(), 4 * MIB, CHUNK, 0);
             FileChannel vol1 = FileChannel.open(disk.path().resolve("vol1.img"), StandardOpenOption.CREATE,
                     StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            List<String> why = new ArrayList<>();
            f.store.onDropped((i, reason) -> why.add(i.name() + ": " + reason));
            CowWriter other = new CowWriter(f.store, "vol1", vol1, 4 * MIB);
            other.write(0, fill(4 * MIB, (byte) 'A'));
            long id = f.store.begin("s1", Instant.now(), SnapshotKind.MANUAL, false, List.of("vol1"), List.of());
            f.store.seal(id, "vol1", true);
            f.store.complete(id);
            other.write(0, fill(4 * MIB, (byte) 'B'));         // 4 MiB preserved for vol1's snapshot
            fullButOneMiB(disk);

            f.writer.write(0, fill(2 * MIB, (byte) 'D'));      // vol0 has no snapshot: only the image needs room

            assertEquals(1, why.size(), why.toString());
            assertTrue(why.getFirst().startsWith("s1: the file system is full (p1/vol0: writing the replica"),
                    why.getFirst());
            assertTrue(f.store.list().isEmpty());
            assertEquals('D', f.readLive()[(int) (2 * MIB - 1)]);
            assertEquals(0, Files.size(f.dir.resolve("snapshots").resolve("chunks")), "the chunk file cut back");
        }
    }

    @Test
    void fullDisk_aPrimaryWithoutSnapshots_getsTheRoomOfAnotherPrimarysSnapshotOnTheSameDisk() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(16 * MIB);
             StoreFixture f = new StoreFixture(disk.path(), 4 * MIB, CHUNK, 0);
             SnapshotStore p2 = SnapshotStore.open(disk.path().resolve("p2-snapshots"), "p2", CHUNK, 0);
             FileChannel p2Image = FileChannel.open(disk.path().resolve("p2-vol0.img"), StandardOpenOption.CREATE,
                     StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SharedRoom.link(List.of(f.store, p2));
            List<String> why = new ArrayList<>();
            p2.onDropped((i, reason) -> why.add(i.name() + ": " + reason));
            CowWriter p2Writer = new CowWriter(p2, "vol0", p2Image, 4 * MIB);
            p2Writer.write(0, fill(4 * MIB, (byte) 'A'));
            long id = p2.begin("p2-s1", Instant.now(), SnapshotKind.MANUAL, false, List.of("vol0"), List.of());
            p2.seal(id, "vol0", true);
            p2.complete(id);
            p2Writer.write(0, fill(4 * MIB, (byte) 'B'));      // p2's snapshot holds 4 MiB
            fullButOneMiB(disk);

            f.writer.write(0, fill(2 * MIB, (byte) 'D'));      // p1 has no snapshot to give room back

            assertEquals(1, why.size(), why.toString());
            assertTrue(why.getFirst().startsWith("p2-s1: the file system is full (p1/vol0: writing the replica: No"
                    + " space left on device) and p1 has no snapshot left to give room back: the oldest snapshot,"
                    + " p2-s1"), why.getFirst());
            assertEquals('D', f.readLive()[(int) (2 * MIB - 1)]);
            assertTrue(p2.list().isEmpty());
        }
    }

    @Test
    void overTheLimit_aPreResyncSnapshotProtectingAResync_goesLast_andSaysWhatIsGivenUp() throws IOException {
        try (StoreFixture f = new StoreFixture(memory.path(), 64L * CHUNK, CHUNK, 10L * CHUNK)) {
            List<String> why = new ArrayList<>();
            f.store.onDropped((i, reason) -> why.add(i.name() + ": " + reason));
            long pre = f.store.begin("pre", Instant.now(), SnapshotKind.PRE_RESYNC, false, List.of("vol0"), List.of());
            f.store.seal(pre, "vol0", true);
            f.store.update(pre, List.of(), null, true);        // held: its resync runs
            f.store.complete(pre);
            f.writer.write(0, fill(8L * CHUNK, (byte) 1));
            long manual = f.snapshot("manual");
            f.writer.write(0, fill(8L * CHUNK, (byte) 2));

            assertEquals(1, why.size(), why.toString());
            assertTrue(why.getFirst().startsWith("manual: space limit: snapshots of p1 take 65536 bytes, over the limit of"
                    + " 40960: the oldest snapshot not protecting a resync in progress, manual"), why.getFirst());
            assertEquals(List.of(pre), f.store.list().stream().map(SnapshotInfo::id).toList());
            assertTrue(manual > pre);

            f.writer.write(8L * CHUNK, fill(4L * CHUNK, (byte) 3)); // 12 chunks: only the protecting one is left
            assertEquals(2, why.size(), why.toString());
            assertTrue(why.get(1).contains("only pre-resync snapshots protecting a resync in progress are left, so the"
                    + " oldest, pre of [vol0], goes: until the resync in progress ends, no consistent copy of [vol0]"
                    + " exists on the standby"), why.get(1));
            assertTrue(f.store.list().isEmpty());
        }
    }

    @Test
    void nearlyFullDisk_theChunkFileGrowsByWhatIsPreserved_notByAStepOfZerosPerWrite() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(64 * MIB);
             StoreFixture f = new StoreFixture(disk.path(), 16 * MIB, CHUNK, 0)) {
            f.writer.write(0, fill(16 * MIB, (byte) 'A'));
            f.snapshot("s1");
            long n = disk.fill("other");
            try (FileChannel ch = FileChannel.open(disk.path().resolve("other"), StandardOpenOption.WRITE)) {
                ch.truncate(n - 12 * MIB); // 12 MiB free: less than one step of the chunk file (16 MiB)
            }
            long before = writtenBytes();
            for (int i = 0; i < 256; i++) {
                f.writer.write((long) i * 2 * CHUNK, ByteBuffer.allocate(CHUNK)); // each over a chunk not preserved
            }
            double perMiB = (writtenBytes() - before) / (double) f.store.usedBytes();
            // each write: 4 KiB to the replica, 4 KiB preserved over zeros the chunk file grew by, the journal; a
            // whole step tried first wrote the 12 MiB left in zeros for every write (2563 bytes per byte preserved)
            assertEquals(MIB, f.store.usedBytes());
            assertTrue(perMiB < 8, perMiB + " bytes written per byte preserved");
            assertTrue(f.store.list().size() == 1, "nothing had to go");
        }
    }

    /** Bytes this process has written through system calls so far ({@code wchar} of /proc/self/io). */
    private static long writtenBytes() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (l.startsWith("wchar:")) {
                return Long.parseLong(l.substring("wchar:".length()).trim());
            }
        }
        throw new IOException("no wchar in /proc/self/io");
    }

    /** Fills the file system, then frees 1 MiB of it. */
    private static void fullButOneMiB(SmallDisk disk) throws IOException {
        long n = disk.fill("other");
        try (FileChannel ch = FileChannel.open(disk.path().resolve("other"), StandardOpenOption.WRITE)) {
            ch.truncate(n - MIB);
        }
        assertTrue(disk.free() >= MIB && disk.free() < 2 * MIB, "free: " + disk.free());
    }
}
