package org.understudy.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.understudy.storage.BlockDevice;

/**
 * Test-scope in-memory device that records what the server asked of it (FUA, flush and the thread it ran on, mayTrim)
 * and can inject I/O errors on a range, hold writes at one offset or every flush until released (to force out-of-order
 * replies) or make flushes slow. Thread-safe.
 */
final class MemoryBlockDevice implements BlockDevice {
    private final byte[] data;
    final AtomicInteger flushes = new AtomicInteger();
    final AtomicInteger fuaWrites = new AtomicInteger();
    final AtomicInteger zeroesWithTrim = new AtomicInteger();
    final AtomicInteger zeroesWithoutTrim = new AtomicInteger();
    final AtomicInteger trims = new AtomicInteger();
    private volatile long failFrom = -1;
    private volatile long failTo = -1;
    private volatile long holdOffset = -1;
    private volatile CountDownLatch holdLatch;
    private volatile CountDownLatch flushLatch;
    private volatile long flushMillis;
    private volatile boolean travels;
    /** The name of the thread each flush ran on, in order. */
    final List<String> flushThreads = new CopyOnWriteArrayList<>();

    MemoryBlockDevice(int size) {
        data = new byte[size];
    }

    /** I/O on any byte of [from, to) throws IOException. */
    void failRange(long from, long to) {
        failFrom = from;
        failTo = to;
    }

    /** Writes at {@code offset} wait for {@code latch}. */
    void holdWritesAt(long offset, CountDownLatch latch) {
        holdLatch = latch;
        holdOffset = offset;
    }

    /** Flushes wait for {@code latch}. */
    void holdFlushes(CountDownLatch latch) {
        flushLatch = latch;
    }

    /** Flushes take {@code millis} (a slow disk's cache flush). */
    void slowFlushes(long millis) {
        flushMillis = millis;
    }

    /** Writes say they travel to a standby too, as a mirrored volume's do while its link is up. */
    void travels(boolean value) {
        travels = value;
    }

    @Override
    public boolean writesTravel() {
        return travels;
    }

    synchronized byte[] snapshot(int offset, int length) {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        maybeFail(offset, dst.remaining());
        synchronized (this) {
            dst.put(data, (int) offset, dst.remaining());
        }
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        maybeFail(offset, src.remaining());
        if (offset == holdOffset && holdLatch != null) {
            try {
                holdLatch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        synchronized (this) {
            src.get(data, (int) offset, src.remaining());
        }
        if (fua) {
            fuaWrites.incrementAndGet();
        }
    }

    @Override
    public void flush() throws IOException {
        flushThreads.add(Thread.currentThread().getName());
        try {
            CountDownLatch latch = flushLatch;
            if (latch != null) {
                latch.await();
            }
            if (flushMillis > 0) {
                Thread.sleep(flushMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        flushes.incrementAndGet();
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        trims.incrementAndGet();
        zero(offset, length);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        (mayTrim ? zeroesWithTrim : zeroesWithoutTrim).incrementAndGet();
        zero(offset, length);
    }

    private void zero(long offset, long length) throws IOException {
        maybeFail(offset, length);
        synchronized (this) {
            Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
        }
    }

    private void maybeFail(long offset, long length) throws IOException {
        if (failFrom >= 0 && offset < failTo && offset + length > failFrom) {
            throw new IOException("injected media error at " + offset);
        }
    }

    @Override
    public String describe() {
        return "memory/" + data.length;
    }

    @Override
    public void close() {
    }
}
