package org.understudy.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link StreamConnection} whose every read and write goes through the scattering and gathering forms: the in-memory
 * and fault-injecting connections, which copy anyway. (The TCP connection makes each of the socket's own calls
 * instead, so a single-buffer read stays a {@code read}, not a {@code readv}.) Thread-safe as its subclass is.
 */
abstract class AbstractStreamConnection implements StreamConnection {

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        return (int) read(new ByteBuffer[] {dst}, 0, 1);
    }

    @Override
    public final long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    @Override
    public final int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public final long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** Bytes left in {@code bufs[offset .. offset+length)}. */
    static long remaining(ByteBuffer[] bufs, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += bufs[i].remaining();
        }
        return n;
    }
}
