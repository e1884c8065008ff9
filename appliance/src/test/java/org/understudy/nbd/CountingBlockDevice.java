package org.understudy.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.understudy.storage.BlockDevice;
import org.understudy.storage.ForwardingBlockDevice;

/** Test-scope decorator counting what real clients asked for (FUA, flush, trim, zeroes). Thread-safe. */
final class CountingBlockDevice extends ForwardingBlockDevice {
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger fuaWrites = new AtomicInteger();
    final AtomicInteger flushes = new AtomicInteger();
    final AtomicInteger trims = new AtomicInteger();
    final AtomicInteger zeroes = new AtomicInteger();

    CountingBlockDevice(BlockDevice inner) {
        super(inner);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        writes.incrementAndGet();
        if (fua) {
            fuaWrites.incrementAndGet();
        }
        inner.write(offset, src, fua);
    }

    @Override
    public void flush() throws IOException {
        flushes.incrementAndGet();
        inner.flush();
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        trims.incrementAndGet();
        inner.trim(offset, length, fua);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        zeroes.incrementAndGet();
        inner.writeZeroes(offset, length, fua, mayTrim);
    }
}
