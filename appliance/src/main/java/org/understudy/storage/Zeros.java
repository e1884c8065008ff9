package org.understudy.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;

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
            int n = (int) Math.min(ZEROS.capacity(), end - pos);
            PageCacheWrites.write(channel, ZEROS.duplicate().limit(n), pos);
            pos += n;
        }
    }

    /**
     * Grows a file whose first {@code prepared} bytes are written to hold at least {@code upTo}, a {@code step} ahead
     * with zeros (so later writes overwrite blocks the file system already holds); returns the new prepared length.
     * The step shrinks to a sixteenth of what file system {@code fs} has free (a nearly full disk would refuse a
     * whole step after writing zeros into all it has left, at every growth; a little room ahead stays, which a full
     * disk's writer can give back first). When a step is refused all the same (another writer took the room), what
     * it wrote is cut off and only {@code upTo} is asked for: a full disk then refuses the write itself, not the room
     * taken ahead of it. The caller serializes calls on one file; nothing lies beyond {@code prepared}.
     */
    public static long grow(FileChannel channel, FileStore fs, long prepared, long upTo, long step)
            throws IOException {
        if (upTo <= prepared) {
            return prepared;
        }
        long ahead = Math.min(step, fs.getUsableSpace() / 16) & -4096L;
        long target = Math.max(upTo, prepared + ahead);
        try {
            write(channel, prepared, target - prepared);
            return target;
        } catch (IOException e) {
            channel.truncate(prepared);
            if (!NoSpace.is(e) || target == upTo) {
                throw e;
            }
        }
        try {
            write(channel, prepared, upTo - prepared);
            return upTo;
        } catch (IOException e) {
            channel.truncate(prepared);
            throw e;
        }
    }

    /** {@code n} zero bytes to compare with, read-only (at most 1 MiB). */
    public static ByteBuffer view(int n) {
        return ZEROS.duplicate().limit(n);
    }
}
