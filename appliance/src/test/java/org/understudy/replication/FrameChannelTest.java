package org.understudy.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.understudy.transport.BufferPool;

/** Reading frames: small ones as views of the read buffer, large ones straight into pooled buffers of their own. */
@Timeout(20)
class FrameChannelTest {

    /** Delivers the given bytes in reads of random sizes, then end of stream. */
    private static final class Chunked implements ByteChannel {
        private final ByteBuffer src;
        private final Random rnd = new Random(7);

        Chunked(ByteBuffer src) {
            this.src = src;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!src.hasRemaining()) {
                return -1;
            }
            int n = Math.min(Math.min(dst.remaining(), src.remaining()), 1 + rnd.nextInt(300_000));
            dst.put(src.slice(src.position(), n));
            src.position(src.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer s) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static ByteBuffer payload(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    private static FrameChannel reader(ByteBuffer stream, BufferPool pool) {
        FrameChannel f = new FrameChannel(new Chunked(stream), pool);
        f.maxPayload(4 << 20);
        return f;
    }

    @Test
    void mixedStream_everyFrameIntact_largeOnesOwned_smallOnesViews() throws Exception {
        int[] sizes = {4096, 1 << 20, 512, 0, 3 << 20, FrameChannel.OWN_BUFFER_MIN, FrameChannel.OWN_BUFFER_MIN - 1,
                        1 << 20, 1 << 20, 16};
        ByteBuffer stream = ByteBuffer.allocate(12 << 20);
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] == 0) {
                FrameCodec.encode(stream, FrameType.KEEPALIVE, 0, i + 1, 0, 0, null);
            } else {
                FrameCodec.encode(stream, FrameType.WRITE, 0, i + 1, 4096L * i, sizes[i], payload(sizes[i], i));
            }
        }
        BufferPool pool = new BufferPool();
        FrameChannel frames = reader(stream.flip(), pool);
        for (int i = 0; i < sizes.length; i++) {
            Frame f = frames.read();
            assertEquals(i + 1, f.seq());
            assertEquals(sizes[i], f.payload().remaining());
            assertEquals(sizes[i] >= FrameChannel.OWN_BUFFER_MIN, f.owned(), "frame " + i);
            if (sizes[i] > 0) {
                assertEquals(payload(sizes[i], i), f.payload(), "payload of frame " + i);
            }
            frames.release(f);
        }
        assertThrows(EOFException.class, frames::read);
    }

    @Test
    void largeFrame_corruptedPayload_isRefusedByItsCrc() throws Exception {
        ByteBuffer stream = ByteBuffer.allocate(2 << 20);
        FrameCodec.encode(stream, FrameType.WRITE, 0, 1, 0, 1 << 20, payload(1 << 20, 1));
        stream.put(FrameCodec.HEADER_SIZE + 777_777, (byte) (stream.get(FrameCodec.HEADER_SIZE + 777_777) ^ 1));
        FrameChannel frames = reader(stream.flip(), new BufferPool());
        ProtocolException e = assertThrows(ProtocolException.class, frames::read);
        assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
    }

    @Test
    void largeFrame_cutShort_isATruncatedFrameNotAHang() throws Exception {
        ByteBuffer stream = ByteBuffer.allocate(2 << 20);
        FrameCodec.encode(stream, FrameType.WRITE, 0, 1, 0, 1 << 20, payload(1 << 20, 1));
        stream.flip().limit(FrameCodec.HEADER_SIZE + 300_000);
        FrameChannel frames = reader(stream, null);
        ProtocolException e = assertThrows(ProtocolException.class, frames::read);
        assertTrue(e.getMessage().contains("middle of a frame"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
