package org.understudy.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Writes runs of zeros into files (a zeroed range of a device, a file grown ahead of its use). Thread-safe. */
public final class Zeros {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private Zeros() {
    }

    /** Writes {@code length} zero bytes at {@code offset} of {@code channel} (positional; the position is kept). */
    public static void write(FileChannel channel, long offset, long length) throws IOException {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            ByteBuffer z = ZEROS.duplicate().limit((int) Math.min(ZEROS.capacity(), end - pos));
            while (z.hasRemaining()) {
                pos += channel.write(z, pos);
            }
        }
    }

    /** {@code n} zero bytes to compare with, read-only (at most 1 MiB). */
    public static ByteBuffer view(int n) {
        return ZEROS.duplicate().limit(n);
    }
}
