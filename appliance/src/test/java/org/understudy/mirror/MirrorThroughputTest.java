package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.model.LatencySummary;
import org.understudy.model.MirrorState;
import org.understudy.storage.BlockDevice;
import org.understudy.storage.FileBlockDevice;

/**
 * A small throughput check, printed for the record: writes at queue depth 16 (16 threads) and latency at depth 1,
 * through a MirroredVolume over loopback versus the bare FileBlockDevice. The figures are for the record; speed is
 * measured by {@code bench/mirror.sh} against nbdkit. The bare device writes into the page cache (hundreds of
 * thousands of IOPS), so a ratio to it says nothing about the mirror and swings tenfold with machine load. What this
 * test asserts is an absolute floor that only a pathology breaks: a mirrored write that waits on a timer (Nagle with
 * delayed ACKs costs 40 ms a round trip, 25 writes/s at depth 1), a lost wake-up or a lock convoy.
 */
class MirrorThroughputTest {
    private static final long SIZE = 256L << 20;
    private static final long RUN_NANOS = 1_000_000_000L;
    /** Writes per second a mirrored volume must sustain on any machine, loaded or not: 4 ms a write at depth 1. */
    private static final double FLOOR_OPS_PER_SEC = 250;
    /**
     * For large writes the floor is in bytes: 250 writes/s of 1 MiB is 500 MiB/s through both page caches, which a
     * loaded machine's disk does not always give (232/s seen under a load average of 8), and no pathology is needed
     * to miss it. 25 MiB/s still catches a stall: a lost wake-up or a convoy costs far more than 40 ms a MiB.
     */
    private static final double FLOOR_BYTES_PER_SEC = 25.0 * (1 << 20);

    /** The floor for writes of {@code blockSize}: whichever of the two floors asks less. */
    private static double floorOpsPerSec(int blockSize) {
        return Math.min(FLOOR_OPS_PER_SEC, FLOOR_BYTES_PER_SEC / blockSize);
    }

    @TempDir
    Path root;

    private record Result(double opsPerSec, double mibPerSec, LatencySummary latency) {
    }

    private static Result run(BlockDevice dev, int threads, int blockSize, boolean sequential) throws Exception {
        AtomicLong ops = new AtomicLong();
        LatencyHistogram h = new LatencyHistogram();
        List<Thread> ts = new ArrayList<>();
        long deadline = System.nanoTime() + RUN_NANOS;
        long blocks = SIZE / blockSize;
        AtomicLong nextSeq = new AtomicLong();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                ByteBuffer buf = MirrorFixture.pattern(blockSize, id + 1);
                SplittableRandom rnd = new SplittableRandom(id);
                try {
                    while (System.nanoTime() < deadline) {
                        long block = sequential ? nextSeq.getAndIncrement() % blocks : rnd.nextLong(blocks);
                        long t0 = System.nanoTime();
                        dev.write(block * blockSize, buf.duplicate(), false);
                        h.recordNanos(System.nanoTime() - t0);
                        ops.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    errors.add(e);
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertTrue(errors.isEmpty(), errors.toString());
        double secs = (System.nanoTime() - start) / 1e9;
        return new Result(ops.get() / secs, ops.get() * (double) blockSize / secs / (1 << 20), h.summary());
    }

    @Test
    void mirroredWrites_keepAReasonableShareOfLocalThroughput() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, SIZE);
             FileBlockDevice bare = FileBlockDevice.open(root.resolve("bare.img"), SIZE, "bare");
             MirroredVolume mirrored = f.open(1, 0, MirrorFixture.fastOptions())) {
            MirrorFixture.awaitState(mirrored, MirrorState.IN_SYNC, Duration.ofSeconds(20));
            StringBuilder report = new StringBuilder("\nmirror throughput (in-process, loopback):\n");
            int[][] configs = {{16, 4096, 0}, {16, 1 << 20, 1}, {1, 4096, 0}};
            double[] mirroredOps = new double[configs.length];
            int i = 0;
            for (int[] cfg : configs) {
                run(bare, cfg[0], cfg[1], cfg[2] == 1); // warm-up: allocate file blocks on both sides alike
                run(mirrored, cfg[0], cfg[1], cfg[2] == 1);
                Result b = run(bare, cfg[0], cfg[1], cfg[2] == 1);
                Result m = run(mirrored, cfg[0], cfg[1], cfg[2] == 1);
                mirroredOps[i++] = m.opsPerSec;
                report.append(String.format("  %-4s QD%-2d  bare %9.0f IOPS %8.1f MiB/s p50 %5d us p99 %6d us | "
                                + "mirrored %9.0f IOPS %8.1f MiB/s p50 %5d us p99 %6d us | ratio %.2f%n",
                        cfg[1] == 4096 ? "4K" : "1M", cfg[0], b.opsPerSec, b.mibPerSec, b.latency.p50Micros(),
                        b.latency.p99Micros(), m.opsPerSec, m.mibPerSec, m.latency.p50Micros(), m.latency.p99Micros(),
                        m.opsPerSec / b.opsPerSec));
            }
            System.out.println(report);
            f.assertIdentical(1, 0);
            for (int k = 0; k < configs.length; k++) {
                double floor = floorOpsPerSec(configs[k][1]);
                assertTrue(mirroredOps[k] > floor, "mirrored writes stalled (floor " + floor + " writes/s of "
                        + configs[k][1] + " B): " + report);
            }
        }
    }
}
