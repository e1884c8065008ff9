package org.understudy.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Test decorator: a block device whose reads fail with an I/O error while switched on (a dying local disk), for the
 * read blocker's tests. Writes pass through. Thread-safe if the wrapped device is.
 */
public final class FailingReads extends ForwardingBlockDevice {
    private volatile boolean failing;

    public FailingReads(BlockDevice inner) {
        super(inner);
    }

    public void failing(boolean on) {
        failing = on;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (failing) {
            throw new IOException("injected read error at " + offset + " (" + dst.remaining() + " bytes)");
        }
        inner.read(offset, dst);
    }

    @Override
    public String describe() {
        return inner.describe() + " (failing reads)";
    }
}
