package org.understudy.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional writes through the page cache in pieces of at most {@link #PIECE} bytes, each ending on a multiple of
 * {@link #PIECE} in the file.
 *
 * <p>Why: the kernel sizes the page-cache folios a write creates by the write's length (ext4 on kernel 6.18: up to
 * megabytes), and every later small write into a large folio costs a walk over the whole folio
 * ({@code ext4_block_write_begin}). A volume once written with 1 MiB writes then pays that walk on every 4 KiB write
 * for as long as its pages stay cached. Pieces keep the folios a write creates at most {@link #PIECE} bytes, for a
 * few more system calls per large write (README, "Small writes after large ones: the page cache's large folios").
 * Bulk reads go around the cache for the same reason ({@link FileBlockDevice#readBulk}).
 */
public final class PageCacheWrites {
    /** The largest piece, and the boundary every piece ends on. */
    static final int PIECE = 64 << 10;

    private PageCacheWrites() {
    }

    /**
     * Writes the remaining bytes of {@code src} at {@code offset} of {@code channel}; {@code src}'s position ends at
     * its limit. Its limit is never changed, not even for a moment: the same buffer may be read by another thread
     * at the same time (the mirror sends the bytes it writes). Every piece but the last goes through a view of
     * {@code src}; the last, which ends at the limit, from {@code src} itself, so a write within one piece (every
     * 4 KiB write) allocates nothing.
     */
    public static void write(FileChannel channel, ByteBuffer src, long offset) throws IOException {
        int at = src.position();
        int end = src.limit();
        long pos = offset;
        for (int n = piece(pos, end - at); n < end - at; n = piece(pos, end - at)) {
            ByteBuffer view = src.slice(at, n);
            while (view.hasRemaining()) {
                pos += channel.write(view, pos);
            }
            at += n;
        }
        src.position(at);
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    /** The length of the piece that starts at file position {@code position} with {@code remaining} bytes to go. */
    static int piece(long position, int remaining) {
        return (int) Math.min(remaining, PIECE - position % PIECE);
    }
}
