package org.understudy.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.understudy.storage.ForwardingBlockDevice;

/**
 * Test device in memory that completes writes later, as a mirrored volume does: a write lands in memory at once (or
 * fails with its error at once), and the subclass decides when, and on which thread, its callback hears of it.
 */
abstract class LaterWritesDevice extends ForwardingBlockDevice {
    LaterWritesDevice(int size) {
        super(new MemoryBlockDevice(size));
    }

    @Override
    public boolean completesWritesLater() {
        return true;
    }

    @Override
    public final void writeAsync(long offset, ByteBuffer src, boolean fua, WriteCallback callback) {
        writeAsync(offset, src, fua, false, callback);
    }

    @Override
    public final void writeAsync(long offset, ByteBuffer src, boolean fua, boolean moreFollow, WriteCallback callback) {
        try {
            inner.write(offset, src.duplicate(), fua);
        } catch (IOException e) {
            callback.done(e);
            return;
        }
        written(offset, moreFollow, callback);
    }

    /** The write at {@code offset} is in memory: tell {@code callback} when this device would complete it. */
    abstract void written(long offset, boolean moreFollow, WriteCallback callback);
}
