package org.understudy.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes in pieces: every piece at most {@link PageCacheWrites#PIECE} bytes and ending on a multiple of it, the
 * bytes in the file those of a plain write, and the source buffer's limit never touched (another thread may be
 * sending the same buffer: a limit changed for a moment broke the replication link's frames once).
 */
class PageCacheWritesTest {
    private static final int PIECE = PageCacheWrites.PIECE;

    @TempDir
    Path dir;

    @Test
    void pieces_endOnBoundariesAndCoverTheWrite() {
        long[][] writes = {{0, 4096}, {0, PIECE}, {0, 1 << 20}, {4096, 1 << 20}, {PIECE - 512, 1024},
                {3L * PIECE + 1, 5 * PIECE + 7}, {(1L << 40) - 4096, 8192}};
        for (long[] w : writes) {
            long pos = w[0];
            int left = (int) w[1];
            int pieces = 0;
            while (left > 0) {
                int n = PageCacheWrites.piece(pos, left);
                assertTrue(n > 0 && n <= PIECE, "piece of " + n + " at " + pos);
                assertTrue(n == left || (pos + n) % PIECE == 0, "piece at " + pos + " of " + n + " ends inside a piece");
                pos += n;
                left -= n;
                pieces++;
            }
            assertEquals(w[0] + w[1], pos);
            long first = w[0] / PIECE;
            long last = (w[0] + w[1] - 1) / PIECE;
            assertEquals(last - first + 1, pieces, "one piece per boundary crossed, for " + Arrays.toString(w));
        }
    }

    @Test
    void write_leavesTheBytesOfAPlainWrite() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        int size = 8 << 20;
        byte[] expected = new byte[size];
        try (FileChannel ch = open("a.img")) {
            for (int i = 0; i < 200; i++) {
                int len = 1 + random.nextInt(3 * PIECE);
                int off = random.nextInt(size - len);
                byte[] data = new byte[len];
                random.nextBytes(data);
                System.arraycopy(data, 0, expected, off, len);
                ByteBuffer src = (i % 2 == 0 ? ByteBuffer.allocateDirect(len + 10) : ByteBuffer.allocate(len + 10))
                        .position(5);
                src.put(data).flip().position(5);
                int limit = src.limit();
                PageCacheWrites.write(ch, src, off);
                assertEquals(limit, src.position(), "position at the limit after the write");
                assertEquals(limit, src.limit(), "limit unchanged");
            }
        }
        byte[] file = Files.readAllBytes(dir.resolve("a.img"));
        assertEquals(-1, Arrays.mismatch(expected, Arrays.copyOf(file, size)), "file differs from the writes");
    }

    @Test
    void write_neverChangesTheLimitWhileAnotherThreadReadsIt() throws Exception {
        int len = 16 << 20;
        ByteBuffer src = ByteBuffer.allocateDirect(len);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger seen = new AtomicInteger(len);
        AtomicInteger reads = new AtomicInteger();
        Thread watcher = new Thread(() -> {
            while (writing.get()) {
                int l = src.limit();
                reads.incrementAndGet();
                if (l != len) {
                    seen.set(l);
                }
            }
        });
        watcher.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (reads.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(reads.get() > 0, "the watcher runs before the writes start");
        try (FileChannel ch = open("b.img")) {
            for (int i = 0; i < 8; i++) {
                src.position(0);
                PageCacheWrites.write(ch, src, (long) i * len + 4096);
            }
        } finally {
            writing.set(false);
            watcher.join(5_000);
        }
        assertEquals(len, seen.get(), "the limit was changed during a write");
    }

    private FileChannel open(String name) throws Exception {
        return FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }
}
