package org.understudy.fleet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.BlockDevice;

/**
 * A steady, mixed write load spread over many devices: the rate (writes per second, all devices together) is read
 * from a control file once a second, so a benchmark turns the load on and off without restarting the primaries.
 * Writes are 4 KiB to 256 KiB at random aligned offsets, one in sixteen with FUA, and a FLUSH now and then; at most
 * {@value #IN_FLIGHT_PER_DEVICE} at once per device (a write that finds none free is counted as skipped, so a slow
 * standby shows as skips, not as an ever-growing queue). Totals go to a small text file for scripts.
 * Thread-safe; one pacing thread, each write on a virtual thread.
 */
final class FleetLoad implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(FleetLoad.class);
    private static final int IN_FLIGHT_PER_DEVICE = 4;
    private static final int[] SIZES = {4096, 4096, 4096, 16384, 65536, 262144};
    private static final long TICK_NANOS = 10_000_000;

    private final List<String> names;
    private final List<BlockDevice> devices;
    private final List<Semaphore> slots = new ArrayList<>();
    private final Path control;
    private final Path totals;
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Latencies latencies = new Latencies();
    private final Thread pacer;
    private volatile boolean closed;

    FleetLoad(Map<String, BlockDevice> devices, Path control, Path totals) {
        this.names = List.copyOf(devices.keySet());
        this.devices = List.copyOf(devices.values());
        this.devices.forEach(d -> slots.add(new Semaphore(IN_FLIGHT_PER_DEVICE)));
        this.control = control;
        this.totals = totals;
        this.pacer = Thread.ofPlatform().daemon().name("fleet-load").start(this::pace);
    }

    private void pace() {
        SplittableRandom random = new SplittableRandom(42);
        double rate = 0;
        double owed = 0;
        int next = 0;
        long lastRead = 0;
        long lastReport = System.nanoTime();
        long tick = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            if (now - lastRead >= 1_000_000_000L) {
                rate = readRate(rate);
                lastRead = now;
            }
            owed += rate * TICK_NANOS / 1e9;
            while (owed >= 1 && !devices.isEmpty()) {
                owed--;
                int i = next;
                next = (next + 1) % devices.size();
                submit(i, random.split());
            }
            if (now - lastReport >= 10_000_000_000L) {
                report((now - lastReport) / 1e9, rate);
                lastReport = now;
            }
            tick += TICK_NANOS;
            long sleep = tick - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                tick = System.nanoTime();
            }
        }
    }

    private double readRate(double before) {
        try {
            String s = Files.readString(control, StandardCharsets.US_ASCII).strip();
            double r = s.isEmpty() ? 0 : Double.parseDouble(s);
            if (r != before) {
                LOG.info("fleet load: {} writes/s over {} devices (was {})", r, devices.size(), before);
            }
            return Math.max(0, r);
        } catch (IOException | NumberFormatException e) {
            return before;
        }
    }

    private void submit(int i, SplittableRandom random) {
        Semaphore slot = slots.get(i);
        if (!slot.tryAcquire()) {
            skipped.incrementAndGet();
            return;
        }
        BlockDevice dev = devices.get(i);
        int size = SIZES[random.nextInt(SIZES.length)];
        long blocks = Math.max(1, (dev.size() - size) / 4096);
        long offset = random.nextLong(blocks) * 4096;
        boolean fua = random.nextInt(16) == 0;
        boolean flush = random.nextInt(64) == 0;
        byte fill = (byte) random.nextInt(256);
        writers.execute(() -> {
            long t0 = System.nanoTime();
            try {
                ByteBuffer b = ByteBuffer.allocate(size);
                Arrays.fill(b.array(), fill);
                dev.write(offset, b, fua);
                if (flush) {
                    dev.flush();
                }
                writes.incrementAndGet();
                latencies.add(System.nanoTime() - t0);
            } catch (IOException | RuntimeException e) {
                long n = errors.incrementAndGet();
                if (n <= 10 || n % 1000 == 0) {
                    LOG.error("fleet load: write of {} bytes at {} to {} failed ({} errors so far): {}", size, offset,
                            names.get(i), n, e.toString());
                }
            } finally {
                slot.release();
            }
        });
    }

    private void report(double seconds, double rate) {
        long[] p = latencies.drain();
        String line = String.format("fleet: %d writes (%.0f/s asked), %d errors, %d skipped; last %.0f s p50 %.2f ms"
                        + " p99 %.2f ms", writes.get(), rate, errors.get(), skipped.get(), seconds, p[0] / 1e6,
                p[1] / 1e6);
        System.out.println(line);
        LOG.info(line);
        writeTotals();
    }

    private void writeTotals() {
        try {
            Path tmp = totals.resolveSibling(totals.getFileName() + ".tmp");
            Files.writeString(tmp, "writes " + writes.get() + "\nerrors " + errors.get() + "\nskipped "
                    + skipped.get() + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, totals, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("fleet load: cannot write {}: {}", totals, e.toString());
        }
    }

    long errors() {
        return errors.get();
    }

    /** Stops pacing and waits for the writes in flight. */
    @Override
    public void close() {
        closed = true;
        pacer.interrupt();
        writers.close();
        writeTotals();
    }

    /** Latencies of one report interval (at most 100,000 kept): p50 and p99. */
    private static final class Latencies {
        private long[] values = new long[1024];
        private int n;

        synchronized void add(long nanos) {
            if (n == values.length) {
                if (n >= 100_000) {
                    return;
                }
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = nanos;
        }

        synchronized long[] drain() {
            long[] v = Arrays.copyOf(values, n);
            n = 0;
            Arrays.sort(v);
            return v.length == 0 ? new long[] {0, 0} : new long[] {v[v.length / 2], v[(int) (v.length * 0.99)]};
        }
    }
}
