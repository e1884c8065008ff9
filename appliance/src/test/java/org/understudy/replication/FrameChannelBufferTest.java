package org.understudy.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import org.junit.jupiter.api.Test;

/**
 * Guards the standby's native memory per link: the read buffer grows only for the frames that need it and is given
 * back on an idle link (it used to be two negotiated frames, 8 MiB, per volume from the handshake on).
 */
class FrameChannelBufferTest {
    private static final int MAX = 4 << 20;

    /** A channel reading from a fixed byte sequence, in pieces of at most {@code chunk} bytes. */
    private static ByteChannel source(byte[] bytes, int chunk) {
        return new ByteChannel() {
            private int pos;

            @Override
            public int read(ByteBuffer dst) {
                if (pos == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(chunk, dst.remaining()), bytes.length - pos);
                dst.put(bytes, pos, n);
                pos += n;
                return n;
            }

            @Override
            public int write(ByteBuffer src) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    private static void frame(ByteArrayOutputStream out, FrameType type, int payload) {
        ByteBuffer p = payload == 0 ? null : ByteBuffer.allocate(payload);
        ByteBuffer b = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + payload);
        FrameCodec.encode(b, type, 0, 1, 0, payload, p);
        out.write(b.array(), 0, b.position());
    }

    @Test
    void smallFrames_afterNegotiation_keepTheSmallBuffer() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            frame(wire, FrameType.WRITE, 4096);
        }
        FrameChannel frames = new FrameChannel(source(wire.toByteArray(), 65536));
        frames.maxPayload(MAX);
        for (int i = 0; i < 100; i++) {
            assertEquals(4096, frames.read().payload().remaining());
        }
        assertTrue(frames.readBufferCapacity() <= 2 * (FrameCodec.HEADER_SIZE + 4096),
                "4 KiB frames need no more than the initial buffer, had " + frames.readBufferCapacity());
    }

    @Test
    void largeFrames_goToBuffersOfTheirOwn_midSizedOnesGrowTheReadBuffer_andAnIdleLinkGivesItBack() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        frame(wire, FrameType.WRITE, 4096);
        frame(wire, FrameType.WRITE, MAX);
        frame(wire, FrameType.WRITE, 1 << 20);
        frame(wire, FrameType.WRITE, 32 << 10);
        frame(wire, FrameType.KEEPALIVE, 0);
        FrameChannel frames = new FrameChannel(source(wire.toByteArray(), 1 << 20));
        frames.maxPayload(MAX);
        assertEquals(4096, frames.read().payload().remaining());
        assertEquals(MAX, frames.read().payload().remaining(), "a frame of the negotiated maximum is read whole");
        assertEquals(1 << 20, frames.read().payload().remaining());
        assertTrue(frames.readBufferCapacity() <= FrameChannel.READ_BUFFER,
                "large payloads are received into buffers of their own, not through the read buffer: had "
                        + frames.readBufferCapacity());
        assertEquals(32 << 10, frames.read().payload().remaining());
        assertEquals(FrameChannel.READ_BUFFER, frames.readBufferCapacity(), "a 32 KiB frame needs the full read buffer");
        assertEquals(FrameType.KEEPALIVE, frames.read().type());
        frames.releaseIdleBuffer();
        assertEquals(2 * (FrameCodec.HEADER_SIZE + FrameCodec.HANDSHAKE_MAX_PAYLOAD), frames.readBufferCapacity(),
                "an idle link's buffer is back to its initial size");
    }
}
