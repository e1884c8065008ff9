package org.understudy.snapshot;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * Child JVM of {@link SnapshotCrashTest}: writes a replica image through its copy-on-write writer forever, taking a
 * snapshot every few batches and deleting old ones, reporting each completed step on stdout ("T b" before a
 * snapshot is begun after batch b, "S id b" once it is complete, "X id" before a deletion starts, "D id" once it
 * returned, "W b" once batch b
 * is committed), until it is SIGKILLed. Batch b's writes are {@link #writes} of (round, b), so the parent can replay
 * them.
 */
public final class SnapshotCrashChild {
    /** A snapshot every this many batches. */
    static final int EVERY = 5;

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long round = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        StoreFixture f = new StoreFixture(dir, SnapshotCrashTest.SIZE, SnapshotCrashTest.CHUNK, 0);
        Deque<Long> live = new ArrayDeque<>();
        f.store.list().forEach(i -> live.add(i.id()));
        for (long b = 0; ; b++) {
            if (b % EVERY == 0) {
                out.println("T " + b);
                long id = f.snapshot("r" + round + "-" + b);
                live.add(id);
                out.println("S " + id + " " + b);
            }
            if (b % 7 == 3 && live.size() > 4) {
                long id = live.poll();
                out.println("X " + id);
                f.store.delete(id, "", "crash test");
                out.println("D " + id);
            }
            CowWriter.Batch batch = f.writer.batch();
            for (Write w : writes(round, b)) {
                batch.write(w.offset, ByteBuffer.wrap(w.data));
            }
            batch.commit();
            out.println("W " + b);
        }
    }

    record Write(long offset, byte[] data) {
    }

    /**
     * The writes of batch {@code b} of round {@code round}: one to eight, up to 20 KiB each, so most touch a chunk the
     * newest snapshot still shares and a preservation is under way most of the time.
     */
    static java.util.List<Write> writes(long round, long b) {
        SplittableRandom rnd = new SplittableRandom(round * 1_000_003L + b);
        java.util.List<Write> out = new java.util.ArrayList<>();
        for (int n = 1 + rnd.nextInt(8); n > 0; n--) {
            int len = 1 + rnd.nextInt(20 * 1024);
            long off = rnd.nextLong(SnapshotCrashTest.SIZE - len);
            byte[] data = new byte[len];
            // cheap to make, so the child spends its time in the writer and a kill lands there
            java.util.Arrays.fill(data, (byte) (1 + rnd.nextInt(255)));
            out.add(new Write(off, data));
        }
        return out;
    }
}
