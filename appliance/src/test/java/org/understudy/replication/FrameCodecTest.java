package org.understudy.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final int MAX = 1 << 20;

    private static ByteBuffer frame(FrameType type, int flags, long seq, long offset, long length, ByteBuffer payload) {
        ByteBuffer b = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + (payload == null ? 0 : payload.remaining()));
        FrameCodec.encode(b, type, flags, seq, offset, length, payload);
        return b.flip();
    }

    @Test
    void everyFrameType_roundTrips() throws Exception {
        for (FrameType t : FrameType.values()) {
            ByteBuffer payload = null;
            long offset = 0;
            long length = 0;
            if (t == FrameType.WRITE) {
                payload = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5});
                offset = 4096;
                length = 5;
            } else if (t == FrameType.ZERO) {
                offset = 1 << 20;
                length = 1L << 33;
            } else if (t == FrameType.READ) {
                offset = 8192;
                length = 65536;
            } else if (t == FrameType.DIGEST) {
                length = 1 << 20;
                payload = ByteBuffer.allocate(4).putInt(0, 65536);
            } else if (t == FrameType.HELLO || t == FrameType.ERROR) {
                payload = ByteBuffer.wrap("hello".getBytes());
            }
            ByteBuffer wire = frame(t, FrameFlags.FUA, 77, offset, length, payload);
            Frame f = FrameCodec.decode(wire, MAX);
            assertNotNull(f, t.name());
            assertEquals(t, f.type());
            assertEquals(FrameFlags.FUA, f.flags());
            assertEquals(77, f.seq());
            assertEquals(offset, f.offset());
            assertEquals(length, f.length());
            assertEquals(payload == null ? ByteBuffer.allocate(0) : payload.rewind(), f.payload());
            assertEquals(0, wire.remaining(), "decoder consumed the whole frame");
        }
    }

    @Test
    void frameTypeCodes_areUniqueAndResolvable() {
        for (FrameType t : FrameType.values()) {
            assertEquals(t, FrameType.byCode(t.code()));
        }
        assertNull(FrameType.byCode(255));
    }

    @Test
    void decode_crcMismatchInPayloadOrHeader_isRejected() {
        ByteBuffer payload = ByteBuffer.wrap(new byte[4096]);
        for (int pos : new int[] {FrameCodec.HEADER_SIZE + 100, 9, 17, 38}) {
            ByteBuffer wire = frame(FrameType.WRITE, 0, 1, 0, 4096, payload.rewind());
            wire.put(pos, (byte) (wire.get(pos) ^ 0x01));
            ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(wire, MAX));
            assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
        }
    }

    @Test
    void decode_oversizedFrame_isRejectedFromTheHeaderAlone() {
        ByteBuffer wire = frame(FrameType.WRITE, 0, 1, 0, 8192, ByteBuffer.allocate(8192));
        ByteBuffer headerOnly = wire.slice(0, FrameCodec.HEADER_SIZE);
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(headerOnly, 4096));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void decode_truncatedFrame_asksForMoreWithoutConsuming() throws Exception {
        ByteBuffer wire = frame(FrameType.WRITE, 0, 3, 512, 1000, ByteBuffer.allocate(1000));
        for (int cut = 0; cut < wire.limit(); cut++) {
            ByteBuffer part = wire.slice(0, cut);
            assertNull(FrameCodec.decode(part, MAX), "cut at " + cut);
            assertEquals(0, part.position());
        }
    }

    @Test
    void decode_randomGarbage_givesCleanErrorOrNeedMore_neverAnythingElse() {
        Random rnd = new Random(42);
        int errors = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[rnd.nextInt(200)];
            rnd.nextBytes(bytes);
            if (i % 2 == 0 && bytes.length >= 4) {
                ByteBuffer.wrap(bytes).putInt(0, FrameCodec.MAGIC); // get past the magic check half the time
            }
            try {
                Frame f = FrameCodec.decode(ByteBuffer.wrap(bytes), MAX);
                if (f != null) {
                    fail("random bytes decoded as a frame: " + f);
                }
            } catch (ProtocolException e) {
                errors++;
            }
        }
        assertTrue(errors > 10_000, "most garbage is refused outright, got " + errors);
    }

    @Test
    void decode_mutatedValidFrames_areRejectedOrNeedMore() {
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] data = new byte[rnd.nextInt(300) + 1];
            rnd.nextBytes(data);
            ByteBuffer wire = frame(FrameType.WRITE, 0, i + 1, rnd.nextInt(1 << 20), data.length, ByteBuffer.wrap(data));
            int pos = rnd.nextInt(wire.limit());
            wire.put(pos, (byte) (wire.get(pos) ^ (1 + rnd.nextInt(255))));
            int cut = rnd.nextBoolean() ? wire.limit() : rnd.nextInt(wire.limit());
            try {
                Frame f = FrameCodec.decode(wire.slice(0, cut), MAX);
                assertNull(f, "a corrupted frame must never decode: byte " + pos + " of " + wire.limit());
            } catch (ProtocolException expected) {
                // clean error
            }
        }
    }

    @Test
    void decode_zeroFrameWithPayload_isRejected() {
        ByteBuffer wire = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + 4);
        FrameCodec.encode(wire, FrameType.ZERO, 0, 1, 0, 4, ByteBuffer.allocate(4));
        assertThrows(ProtocolException.class, () -> FrameCodec.decode(wire.flip(), MAX));
    }

    @Test
    void negotiateMaxFrame_takesTheSmallerWithinBounds() {
        assertEquals(1 << 20, FrameCodec.negotiateMaxFrame(1 << 20, 4 << 20));
        assertEquals(FrameCodec.MIN_FRAME, FrameCodec.negotiateMaxFrame(1, 4 << 20));
        assertEquals(FrameCodec.MAX_FRAME, FrameCodec.negotiateMaxFrame(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void handshakePayloads_randomBytes_giveCleanErrors() {
        Random rnd = new Random(3);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[rnd.nextInt(120)];
            rnd.nextBytes(bytes);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            try {
                HandshakeMessages.Hello.decode(b);
            } catch (ProtocolException expected) {
                // clean
            }
            try {
                HandshakeMessages.Challenge.decode(b);
            } catch (ProtocolException expected) {
                // clean
            }
            try {
                HandshakeMessages.Proof.decode(b);
            } catch (ProtocolException expected) {
                // clean
            }
        }
    }
}
