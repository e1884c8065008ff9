package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeartbeatCodecTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private final HeartbeatCodec codec = new HeartbeatCodec(KEY);
    private final Heartbeat hb = new Heartbeat("p1", 0x1234_5678_9abcL, 42, 1_700_000_000_000L, "link");

    @Test
    void encodeDecode_validHeartbeat_roundTrips() {
        byte[] bytes = codec.encode(hb);
        assertEquals(HeartbeatCodec.FIXED + 2 + 4, bytes.length);
        assertEquals(hb, assertInstanceOf(HeartbeatCodec.Decoded.Valid.class, codec.decode(bytes)).heartbeat());
    }

    @Test
    void encode_sameInput_sameBytes() {
        assertArrayEquals(codec.encode(hb), codec.encode(hb));
    }

    @Test
    void decode_otherKey_badMacWithClaimedSender() {
        byte[] bytes = new HeartbeatCodec("another-key-another-key-another!!".getBytes()).encode(hb);
        var r = assertInstanceOf(HeartbeatCodec.Decoded.Rejected.class, codec.decode(bytes));
        assertEquals(HeartbeatCodec.Reason.BAD_MAC, r.reason());
        assertEquals("p1", r.claimedSender());
        assertEquals("link", r.claimedPath());
    }

    @Test
    void decode_anySingleBitFlipped_rejected() {
        byte[] good = codec.encode(hb);
        for (int i = 0; i < good.length * 8; i++) {
            byte[] bad = good.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            assertInstanceOf(HeartbeatCodec.Decoded.Rejected.class, codec.decode(bad), "bit " + i);
        }
    }

    @Test
    void decode_everyTruncationAndExtension_malformedNeverThrows() {
        byte[] good = codec.encode(hb);
        for (int len = 0; len < good.length; len++) {
            var r = assertInstanceOf(HeartbeatCodec.Decoded.Rejected.class, codec.decode(Arrays.copyOf(good, len)));
            assertEquals(HeartbeatCodec.Reason.MALFORMED, r.reason(), "length " + len);
        }
        assertEquals(HeartbeatCodec.Reason.MALFORMED, ((HeartbeatCodec.Decoded.Rejected)
                codec.decode(Arrays.copyOf(good, good.length + 1))).reason());
        assertInstanceOf(HeartbeatCodec.Decoded.Rejected.class, codec.decode(null));
    }

    @Test
    void decode_randomInput_cleanRejection() {
        Random random = new Random(20261121);
        byte[] good = codec.encode(hb);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            if (i % 2 == 0 && junk.length >= 5) {
                System.arraycopy(good, 0, junk, 0, 5); // valid magic and version: exercises the length checks
            }
            assertInstanceOf(HeartbeatCodec.Decoded.Rejected.class, codec.decode(junk));
        }
    }

    @Test
    void constructor_shortKey_refused() {
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatCodec(new byte[8]));
    }

    @Test
    void encode_overlongName_refused() {
        assertThrows(IllegalArgumentException.class,
                () -> codec.encode(new Heartbeat("x".repeat(65), 1, 1, 1, "link")));
    }
}
