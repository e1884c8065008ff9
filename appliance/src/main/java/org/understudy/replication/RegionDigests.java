package org.understudy.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The region digest both ends of an online verify compute: CRC32C of each region of a range, 4 bytes per region,
 * big-endian, in disk order (the payload of a DIGEST_DATA frame). Stateless; thread-safe.
 */
public final class RegionDigests {
    private static final int BUFFER = 1 << 20;

    /** Reads {@code dst.remaining()} bytes at a position. */
    @FunctionalInterface
    public interface Reader {
        void read(long position, ByteBuffer dst) throws IOException;
    }

    private RegionDigests() {
    }

    /** The digests of {@code [offset, offset+length)} in regions of {@code region} bytes (the last may be shorter). */
    public static ByteBuffer of(Reader reader, long offset, long length, int region) throws IOException {
        int regions = (int) ((length + region - 1) / region);
        ByteBuffer out = ByteBuffer.allocate(4 * regions);
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(region, Math.min(BUFFER, (int) Math.min(length, BUFFER))));
        CRC32C crc = new CRC32C();
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int n = (int) Math.min(end - pos, region);
            crc.reset();
            buf.clear().limit(n);
            reader.read(pos, buf);
            buf.flip();
            crc.update(buf);
            out.putInt((int) crc.getValue());
            pos += n;
        }
        return out.flip();
    }
}
