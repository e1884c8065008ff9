package org.understudy.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.model.SnapshotKind;
import org.understudy.testing.MemoryDir;

/**
 * A preserved chunk's content and the journal entry naming it are forced at the same time; a crash between the two
 * can leave the entry without its content. These tests build that state by hand (the entry on disk, the slot not
 * holding the content, the replica not yet overwritten) and check what the next open makes of it.
 */
class JournalRecoveryTest {
    private static final int CHUNK = 4096;
    private static final long SIZE = 16L * CHUNK;

    @RegisterExtension
    final MemoryDir memory = new MemoryDir();
    Path dir;

    @BeforeEach
    void dir() {
        dir = memory.path();
    }

    @Test
    void anEntryWhoseContentNeverReachedTheDisk_isDropped_andTheSnapshotReadsTheReplica() throws IOException {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            f.writer.write(0, fill(SIZE, (byte) 'A'));
            long id = f.snapshot("s1");
            f.writer.write(0, fill(CHUNK, (byte) 'B'));
            assertEquals(CHUNK, f.store.usedBytes());
            f.close();
            // the crash: the slot never got the old content, and the write over chunk 0 never reached the replica
            overwrite(dir.resolve("snapshots/chunks"), 0, fill(CHUNK, (byte) 0));
            overwrite(dir.resolve("vol0.img"), 0, fill(CHUNK, (byte) 'A'));
            f.open();
            assertEquals(0, f.store.usedBytes(), "the preservation without its content is gone, its slot free");
            assertArrayEquals(filled(SIZE, 'A'), f.readImage(id), "the snapshot reads its point in time");
            f.writer.write(0, fill(CHUNK, (byte) 'C'));
            f.reopen();
            assertArrayEquals(filled(SIZE, 'A'), f.readImage(id), "a later preservation of the chunk stands");
            assertEquals(CHUNK, f.store.usedBytes());
        }
    }

    @Test
    void anEntryWhoseContentReachedTheDisk_isKept() throws IOException {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            f.writer.write(0, fill(SIZE, (byte) 'A'));
            long id = f.snapshot("s1");
            f.writer.write(CHUNK, fill(2 * CHUNK, (byte) 'B'));
            f.reopen();
            assertEquals(2L * CHUNK, f.store.usedBytes());
            assertArrayEquals(filled(SIZE, 'A'), f.readImage(id));
            assertFalse(journalHasCheckedEntries(), "the open rewrote the journal without checked entries");
        }
    }

    /** Only the commits not known to have settled are read back: the check costs a few chunks, not the store. */
    @Test
    void entriesOfSettledCommits_areTrusted_laterOnesChecked() throws IOException {
        Path chunkPath = dir.resolve("chunks");
        try (ChunkFile chunks = ChunkFile.open(chunkPath, CHUNK)) {
            ByteBuffer good = fill(CHUNK, (byte) 7);
            int crc = JournalRecovery.crc(good);
            chunks.write(0, good.duplicate());
            chunks.write(1, fill(CHUNK, (byte) 9)); // slot 1 does not hold what its entry says
            chunks.write(2, good.duplicate());
            List<JournalRecord> entries = List.of(new JournalRecord.Header(SnapshotJournal.VERSION, CHUNK),
                    checked(0, 0, crc, 1, 0), checked(1, 1, crc, 2, 1), checked(2, 2, crc, 3, 1));
            List<JournalRecord> out = JournalRecovery.check(entries, chunks, "p1");
            assertEquals(4, out.size());
            assertEquals(1, ((JournalRecord.Preserve) out.get(1)).chunks().length, "commit 1 settled: trusted");
            assertEquals(0, ((JournalRecord.Preserve) out.get(2)).chunks().length, "commit 2 checked: dropped");
            assertEquals(1, ((JournalRecord.Preserve) out.get(3)).chunks().length, "commit 3 checked: whole");
        }
    }

    @Test
    void aSlotPastTheEndOfTheChunkFile_isNotWhole() throws IOException {
        try (ChunkFile chunks = ChunkFile.open(dir.resolve("chunks"), CHUNK)) {
            List<JournalRecord> out = JournalRecovery.check(List.of(checked(0, 5, 0, 1, 0)), chunks, "p1");
            assertEquals(0, ((JournalRecord.Preserve) out.getFirst()).chunks().length);
        }
    }

    /** A store written by the previous format (content forced before its entry) opens and is rewritten as the new. */
    @Test
    void aJournalOfTheFirstFormat_opens_andIsUpgraded() throws IOException {
        Path snaps = dir.resolve("snapshots");
        Files.createDirectories(snaps);
        try (FileChannel img = FileChannel.open(dir.resolve("vol0.img"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            img.write(fill(SIZE, (byte) 'B'), 0);
        }
        try (ChunkFile chunks = ChunkFile.open(snaps.resolve("chunks"), CHUNK)) {
            chunks.write(0, fill(CHUNK, (byte) 'A'));
        }
        try (FileChannel j = FileChannel.open(snaps.resolve("journal"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            long pos = 0;
            for (JournalRecord r : List.of(new JournalRecord.Header(1, CHUNK),
                    new JournalRecord.Begin(1, "old", 0, SnapshotKind.MANUAL, false, List.of("vol0"), List.of()),
                    new JournalRecord.Seal(1, "vol0", true), new JournalRecord.Complete(1),
                    new JournalRecord.Preserve(1, "vol0", new long[] {3}, new long[] {0}))) {
                pos += j.write(JournalCodec.encode(r), pos);
            }
        }
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            byte[] expected = filled(SIZE, 'B');
            Arrays.fill(expected, 3 * CHUNK, 4 * CHUNK, (byte) 'A');
            assertArrayEquals(expected, f.readImage(1));
            JournalRecord first = SnapshotJournal.open(snaps.resolve("journal")).entries().getFirst();
            assertEquals(SnapshotJournal.VERSION, ((JournalRecord.Header) first).version());
        }
    }

    private static JournalRecord.CheckedPreserve checked(long chunk, long slot, int crc, long batch, long settled) {
        return new JournalRecord.CheckedPreserve(new JournalRecord.Preserve(1, "vol0", new long[] {chunk},
                new long[] {slot}), new int[] {CHUNK}, new int[] {crc}, batch, settled);
    }

    private boolean journalHasCheckedEntries() throws IOException {
        SnapshotJournal.Opened o = SnapshotJournal.open(dir.resolve("snapshots/journal"));
        try {
            return o.entries().stream().anyMatch(r -> r instanceof JournalRecord.CheckedPreserve);
        } finally {
            o.journal().close();
        }
    }

    private static void overwrite(Path file, long pos, ByteBuffer data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(data, pos);
        }
    }

    private static ByteBuffer fill(long n, byte b) {
        byte[] a = new byte[(int) n];
        Arrays.fill(a, b);
        return ByteBuffer.wrap(a);
    }

    private static byte[] filled(long n, char c) {
        byte[] a = new byte[(int) n];
        Arrays.fill(a, (byte) c);
        return a;
    }
}
