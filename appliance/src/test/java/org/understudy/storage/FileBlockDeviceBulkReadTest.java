package org.understudy.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bulk reads (around the page cache where allowed) return exactly what buffered reads return, wherever they start. */
class FileBlockDeviceBulkReadTest {
    private static final long SIZE = 3L * (1 << 20) + 1234; // a last partial block

    @TempDir
    Path dir;

    @Test
    void bulkRead_matchesBufferedRead_forAlignedUnalignedHeapAndTailRanges() throws Exception {
        try (FileBlockDevice d = FileBlockDevice.open(dir.resolve("v.img"), SIZE, "v")) {
            byte[] data = new byte[(int) SIZE];
            new Random(3).nextBytes(data);
            d.write(0, ByteBuffer.wrap(data), false); // still dirty in the cache: a direct read must see it
            long[][] ranges = {{0, SIZE}, {4096, 1 << 20}, {4096, 4096 + 17}, {100, 9000}, {SIZE - 5000, 5000},
                    {2L << 20, (1 << 20) + 1234}};
            for (long[] r : ranges) {
                for (ByteBuffer dst : new ByteBuffer[] {ByteBuffer.allocateDirect((int) r[1] + 8192).alignedSlice(4096),
                        ByteBuffer.allocate((int) r[1]), ByteBuffer.allocateDirect((int) r[1] + 1).position(1)}) {
                    dst.limit(dst.position() + (int) r[1]);
                    int start = dst.position();
                    d.readBulk(r[0], dst);
                    assertEquals(dst.limit(), dst.position(), "filled");
                    assertEquals(ByteBuffer.wrap(data, (int) r[0], (int) r[1]), dst.flip().position(start),
                            "range " + r[0] + "+" + r[1]);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> d.readBulk(SIZE - 1, ByteBuffer.allocate(2)));
        }
    }
}
