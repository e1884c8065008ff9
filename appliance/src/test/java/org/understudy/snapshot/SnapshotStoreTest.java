package org.understudy.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.testing.MemoryDir;
import org.understudy.model.SnapshotKind;
import org.understudy.storage.ReadOnlyDeviceException;

class SnapshotStoreTest {
    private static final int CHUNK = 4096;
    private static final long SIZE = 64L * CHUNK;

    // fsync is free on tmpfs: the model test makes thousands of durable commits
    @RegisterExtension
    final MemoryDir memory = new MemoryDir();
    Path dir;

    @BeforeEach
    void dir() {
        dir = memory.path();
    }

    @Test
    void writeAfterSnapshot_imageReadsTheOldContent_replicaTheNew() throws IOException {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            f.writer.write(0, fill(SIZE, (byte) 'A'));
            long id = f.snapshot("s1");
            f.writer.write(CHUNK + 100, fill(3 * CHUNK, (byte) 'B'));
            byte[] a = new byte[(int) SIZE];
            Arrays.fill(a, (byte) 'A');
            assertArrayEquals(a, f.readImage(id));
            byte[] live = f.readLive();
            assertEquals('B', live[CHUNK + 100]);
            assertEquals('A', live[CHUNK + 99]);
            assertEquals(4L * CHUNK, f.store.usedBytes(), "the four chunks the write touched, no more");
            assertThrows(ReadOnlyDeviceException.class, () -> f.writer.image(id, "x").write(0, fill(1, (byte) 1), false));
        }
    }

    /** The store's whole promise, against a model: random writes, snapshots, deletions and restarts. */
    @Test
    void randomOperations_everySnapshotReadsItsPointInTime_acrossDeletesAndReopens() throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] live = new byte[(int) SIZE];
        Map<Long, byte[]> expected = new LinkedHashMap<>();
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            for (int op = 0; op < 800; op++) {
                int kind = rnd.nextInt(100);
                if (kind < 60) {
                    CowWriter.Batch b = f.writer.batch();
                    for (int w = 1 + rnd.nextInt(4); w > 0; w--) {
                        int off = rnd.nextInt((int) SIZE - 1);
                        int len = 1 + rnd.nextInt(Math.min(3 * CHUNK, (int) SIZE - off));
                        if (rnd.nextInt(5) == 0) {
                            b.zero(off, len);
                            Arrays.fill(live, off, off + len, (byte) 0);
                        } else {
                            byte[] data = new byte[len];
                            rnd.nextBytes(data);
                            b.write(off, ByteBuffer.wrap(data));
                            System.arraycopy(data, 0, live, off, len);
                        }
                    }
                    b.commit();
                } else if (kind < 75) {
                    expected.put(f.snapshot("s" + op), live.clone());
                } else if (kind < 85 && !expected.isEmpty()) {
                    List<Long> ids = new ArrayList<>(expected.keySet());
                    long id = ids.get(rnd.nextInt(ids.size()));
                    assertTrue(f.store.delete(id, "", "test"));
                    expected.remove(id);
                } else if (kind < 90) {
                    f.reopen();
                } else {
                    for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
                        assertArrayEquals(e.getValue(), f.readImage(e.getKey()), "snapshot " + e.getKey() + " at op " + op);
                    }
                    assertArrayEquals(live, f.readLive());
                }
            }
            f.reopen();
            for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), f.readImage(e.getKey()), "snapshot " + e.getKey());
            }
            for (long id : List.copyOf(expected.keySet())) {
                f.store.delete(id, "", "test");
            }
            assertEquals(0, f.store.usedBytes(), "every slot freed when the last snapshot went");
        }
    }

    /**
     * Neighbouring chunks are preserved with one write, and that write may reach past the part of the chunk file
     * grown ahead (zeroed) so far: growing the file for the next preservation must not zero what it wrote. A single
     * chunk first, then 1 MiB writes, so one run of 256 slots straddles the end of the first step.
     */
    @Test
    void aRunOfChunksPastTheGrownAheadPart_keepsItsContent_andAfterAReopen() throws IOException {
        int mib = 1 << 20;
        long size = ChunkFile.STEP + 4L * mib;
        try (StoreFixture f = new StoreFixture(dir, size, CHUNK, 0)) {
            byte[] before = new byte[(int) size];
            new SplittableRandom(13).nextBytes(before);
            f.writer.write(0, ByteBuffer.wrap(before));
            long id = f.snapshot("s1");
            f.writer.write(0, fill(CHUNK, (byte) 1));
            for (long off = mib; off < size; off += mib) {
                f.writer.write(off, fill(mib, (byte) 2));
            }
            assertTrue(f.store.usedBytes() > ChunkFile.STEP, "the preserved chunks reach past the first step");
            assertArrayEquals(before, f.readImage(id), "the snapshot reads what the replica held");
            f.reopen();
            assertArrayEquals(before, f.readImage(id), "and so after a restart");
        }
    }

    @Test
    void writeThatChangesNothing_preservesNothing() throws IOException {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            f.writer.write(0, fill(SIZE, (byte) 7));
            f.snapshot("s1");
            f.writer.write(0, fill(SIZE, (byte) 7));
            f.writer.zero(0, 0);
            assertEquals(0, f.store.usedBytes());
        }
    }

    @Test
    void overTheSpaceLimit_theOldestSnapshotIsDroppedAndListenersTold() throws IOException {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 10L * CHUNK)) {
            List<String> dropped = new ArrayList<>();
            f.store.onDropped((i, why) -> dropped.add(i.name()));
            long s1 = f.snapshot("s1");
            f.writer.write(0, fill(8L * CHUNK, (byte) 1));
            long s2 = f.snapshot("s2");
            f.writer.write(0, fill(8L * CHUNK, (byte) 2));
            assertEquals(List.of("s1"), dropped, "16 chunks preserved against a limit of 10: the oldest goes");
            assertEquals(8L * CHUNK, f.store.usedBytes());
            assertEquals(List.of(s2), f.store.list().stream().map(SnapshotInfo::id).toList());
            assertFalse(f.store.list().stream().anyMatch(i -> i.id() == s1));
            byte[] ones = new byte[(int) SIZE];
            Arrays.fill(ones, 0, 8 * CHUNK, (byte) 1);
            assertArrayEquals(ones, f.readImage(s2));
        }
    }

    @Test
    void snapshotNeverCompleted_isDroppedAtReopen() throws IOException {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            long id = f.store.begin("half", Instant.now(), SnapshotKind.MANUAL, true, List.of("vol0"), List.of());
            f.store.seal(id, "vol0", true);
            f.writer.write(0, fill(CHUNK, (byte) 3));
            assertEquals(CHUNK, f.store.usedBytes());
            f.reopen();
            assertTrue(f.store.list().isEmpty());
            assertEquals(0, f.store.usedBytes());
        }
    }

    @Test
    void tornLastJournalEntry_isCutOffAndTheRestStands() throws IOException {
        long id;
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            f.writer.write(0, fill(CHUNK, (byte) 'A'));
            id = f.snapshot("s1");
            f.writer.write(0, fill(CHUNK, (byte) 'B'));
        }
        Path journal = dir.resolve("snapshots").resolve("journal");
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(journal));
        while (true) {
            JournalCodec.Decoded d = JournalCodec.decode(all);
            if (d == JournalCodec.TORN) {
                break;
            }
            all.position(all.position() + d.length());
        }
        long end = all.position();
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 5, 1, 2}), end); // an append the crash cut short
        }
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            assertEquals('A', f.readImage(id)[0]);
            assertEquals('B', f.readLive()[0]);
            f.writer.write(0, fill(CHUNK, (byte) 'C')); // appends over the zeroed remains
            // the torn bytes were zeroed (or the open rewrote the journal without them): nothing but zeros follows
            // the last whole entry, so no later append runs into their remains
            ByteBuffer after = ByteBuffer.wrap(Files.readAllBytes(journal));
            while (JournalCodec.decode(after) != JournalCodec.TORN) {
                after.position(after.position() + JournalCodec.decode(after).length());
            }
            while (after.hasRemaining()) {
                assertEquals(0, after.get(), "byte " + (after.position() - 1) + " after the last whole entry");
            }
        }
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            assertEquals('A', f.readImage(id)[0]);
            assertEquals('C', f.readLive()[0]);
        }
    }

    @Test
    void batch_holdsBackPreservingWritesUntilCommit() throws IOException {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            long id = f.snapshot("s1");
            CowWriter.Batch b = f.writer.batch();
            for (int i = 0; i < 16; i++) {
                b.write((long) i * CHUNK, fill(CHUNK, (byte) 9));
            }
            assertTrue(b.pending());
            assertEquals(0, f.readLive()[0], "held back until the preservations are durable");
            b.commit();
            assertTrue(f.writer.describeCommits().startsWith("1 copy-on-write commits carrying 16 held writes (16.0"),
                    f.writer.describeCommits());
            assertEquals(9, f.readLive()[0]);
            assertEquals(0, f.readImage(id)[0]);
            assertEquals(16L * CHUNK, f.store.usedBytes());
        }
    }

    @Test
    void batch_writesTheOldContentOfItsChunksWithOneCall_andEachReadsBackAsItWas() throws IOException {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            long[] chunks = {40, 3, 17, 63, 0, 22, 9, 51, 30, 12, 5, 44};
            for (long c : chunks) {
                f.writer.write(c * CHUNK, fill(CHUNK, (byte) (c + 1)));
            }
            long id = f.snapshot("s1");
            long before = f.writer.chunkFileWrites();
            CowWriter.Batch b = f.writer.batch();
            for (long c : chunks) {
                // a write into the middle of the chunk: the rest of it must come back as it was
                b.write(c * CHUNK + 1024, fill(1024, (byte) 100));
            }
            b.commit();
            assertEquals(1, f.writer.chunkFileWrites() - before, "one write for twelve neighbouring slots");
            byte[] snap = f.readImage(id);
            byte[] live = f.readLive();
            for (long c : chunks) {
                int at = (int) (c * CHUNK);
                assertEquals(c + 1, snap[at + 2000], "snapshot, chunk " + c);
                assertEquals(c + 1, snap[at + CHUNK - 1], "snapshot, chunk " + c);
                assertEquals(100, live[at + 2000], "replica, chunk " + c);
                assertEquals(c + 1, live[at + CHUNK - 1], "replica, chunk " + c);
            }
            f.reopen();
            assertArrayEquals(snap, f.readImage(id), "after a reopen");
        }
    }

    static ByteBuffer fill(long n, byte b) {
        byte[] a = new byte[(int) n];
        Arrays.fill(a, b);
        return ByteBuffer.wrap(a);
    }
}
