package org.understudy.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Test decorator: a block device whose reads fail with an I/O error while switched on (a dying local disk), for the
 * read blocker's tests. Writes pass through. Thread-safe if the wrapped device is.
 */
public final class FailingReads implements BlockDevice {
    private final BlockDevice inner;
    private volatile boolean failing;

    public FailingReads(BlockDevice inner) {
        this.inner = inner;
    }

    public void failing(boolean on) {
        failing = on;
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (failing) {
            throw new IOException("injected read error at " + offset + " (" + dst.remaining() + " bytes)");
        }
        inner.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        inner.write(offset, src, fua);
    }

    @Override
    public void flush() throws IOException {
        inner.flush();
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        inner.trim(offset, length, fua);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        inner.writeZeroes(offset, length, fua, mayTrim);
    }

    @Override
    public String describe() {
        return inner.describe() + " (failing reads)";
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
