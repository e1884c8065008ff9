package org.understudy.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.testing.MemoryDir;

/**
 * The pipelined commit ({@link CowWriter.Batch#commitAsync}): while a group of held-back writes is handed off, a
 * later write over one of its chunks is held back too and lands after it, never before its preservation; the
 * standby's own cut waits for what was handed off; a failed commit lands nothing. The committer is kept busy by a
 * landing that blocks until the test lets it go, so what is still handed off is known.
 */
@Timeout(60)
class CommitPipelineTest {
    private static final int CHUNK = 4096;
    private static final long SIZE = 16L * CHUNK;

    @RegisterExtension
    final MemoryDir memory = new MemoryDir();
    Path dir;

    @BeforeEach
    void dir() {
        dir = memory.path();
    }

    /** Blocks in its first {@link #landed} until {@link #release}; records every mark and failure. */
    private static final class HeldLanding implements CowWriter.Landing {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch failedLatch = new CountDownLatch(1);
        final List<Long> marks = new CopyOnWriteArrayList<>();
        final AtomicReference<IOException> failure = new AtomicReference<>();

        @Override
        public void landed(long mark) {
            marks.add(mark);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void failed(IOException e) {
            failure.set(e);
            failedLatch.countDown();
        }
    }

    /** Group 1 landed and its landing holds the committer: what is handed off next waits behind it. */
    private static HeldLanding committerHeld(StoreFixture f, CowWriter.Batch batch) throws Exception {
        HeldLanding landing = new HeldLanding();
        batch.write(0, fill(CHUNK, 'B'));
        assertTrue(batch.commitAsync(1, landing), "a write preserving a chunk is handed off");
        assertTrue(landing.entered.await(30, TimeUnit.SECONDS));
        return landing;
    }

    // regression guard: a write over a chunk whose preservation is still under way must not reach the replica first
    @Test
    void writeOverAChunkHandedOff_isHeldBack_andLandsAfterIt() throws Exception {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            f.writer.write(0, fill(SIZE, 'A'));
            long id = f.snapshot("s1");
            CowWriter.Batch batch = f.writer.batch();
            HeldLanding landing = committerHeld(f, batch);
            batch.write(5 * CHUNK, fill(CHUNK, 'C'));
            assertTrue(batch.commitAsync(2, landing));
            batch.write(5 * CHUNK + 100, fill(10, 'D')); // the same chunk, its preservation not yet durable
            assertTrue(batch.commitAsync(3, landing));
            assertTrue(batch.pending());

            byte[] live = f.readLive();
            assertEquals('A', live[5 * CHUNK + 100], "a later write over a chunk handed off reached the replica "
                    + "before the chunk's preservation was durable");
            assertEquals('A', live[5 * CHUNK], "a held-back write landed before its preservation was durable");
            assertArrayEquals(fill(SIZE, 'A').array(), f.readImage(id));

            landing.release.countDown();
            batch.commit();
            assertFalse(batch.pending());
            live = f.readLive();
            assertEquals('C', live[5 * CHUNK]);
            assertEquals('D', live[5 * CHUNK + 100], "the later write landed after the earlier one, not before");
            assertEquals('C', live[5 * CHUNK + 110]);
            assertEquals(3L, landing.marks.getLast(), "the last mark handed off is the last one landed");
            assertTrue(landing.marks.equals(landing.marks.stream().sorted().toList()), "marks land in order");
            assertArrayEquals(fill(SIZE, 'A').array(), f.readImage(id));
            batch.discard();
        }
    }

    @Test
    void standbysOwnCut_waitsUntilWritesHandedOffLanded() throws Exception {
        try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
            f.writer.write(0, fill(SIZE, 'A'));
            f.snapshot("s1");
            CowWriter.Batch batch = f.writer.batch();
            HeldLanding landing = committerHeld(f, batch);
            batch.write(7 * CHUNK, fill(CHUNK, 'E'));
            assertTrue(batch.commitAsync(2, landing));
            AtomicReference<Byte> seen = new AtomicReference<>();
            Thread cut = Thread.ofPlatform().start(() -> {
                try {
                    f.store.exclusiveCut(() -> seen.set(f.readLive()[7 * CHUNK]));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            while (cut.getState() != Thread.State.WAITING && cut.isAlive()) {
                Thread.onSpinWait();
            }
            assertEquals(null, seen.get(), "the cut ran while a preservation's write was still handed off");
            landing.release.countDown();
            cut.join();
            assertEquals((byte) 'E', seen.get(), "the cut saw the replica without a write whose preservation was "
                    + "staged before it");
            batch.commit();
            batch.discard();
        }
    }

    @Test
    void failedCommit_landsNothingOfItsGroups_andTheBatchFailsFromThenOn() throws Exception {
        StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0);
        try {
            f.writer.write(0, fill(SIZE, 'A'));
            f.snapshot("s1");
            CowWriter.Batch batch = f.writer.batch();
            HeldLanding landing = committerHeld(f, batch);
            batch.write(9 * CHUNK, fill(CHUNK, 'F'));
            assertTrue(batch.commitAsync(2, landing));
            f.store.close(); // the journal and chunk file go: group 2's forces fail
            landing.release.countDown();
            assertTrue(landing.failedLatch.await(30, TimeUnit.SECONDS));
            assertEquals('A', f.readLive()[9 * CHUNK], "a write landed although its preservation failed");
            assertEquals(List.of(1L), landing.marks);
            assertThrows(IOException.class, () -> batch.write(11 * CHUNK, fill(CHUNK, 'G')));
            assertThrows(IOException.class, batch::commit);
            batch.discard();
            assertEquals('A', f.readLive()[9 * CHUNK]);
        } finally {
            f.image.close();
        }
    }

    private static ByteBuffer fill(long n, char c) {
        byte[] b = new byte[(int) n];
        Arrays.fill(b, (byte) c);
        return ByteBuffer.wrap(b);
    }
}
