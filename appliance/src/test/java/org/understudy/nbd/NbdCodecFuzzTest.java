package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and truncated bytes through every parser: only success or {@link NbdProtocolException}, never a hang. */
class NbdCodecFuzzTest {
    private interface Parser {
        void parse(ByteBuffer b) throws NbdProtocolException;
    }

    private static final List<Parser> PARSERS = List.of(
            NbdRequest::decode,
            NbdSimpleReply::decode,
            NbdHandshakeCodec::decodeGreeting,
            NbdHandshakeCodec::decodeClientFlags,
            NbdHandshakeCodec::decodeOptionHeader,
            NbdHandshakeCodec::decodeGoRequest,
            NbdHandshakeCodec::decodeExportName,
            NbdHandshakeCodec::decodeOptionReply);

    private static void parseAll(ByteBuffer input) {
        for (Parser p : PARSERS) {
            try {
                p.parse(input.duplicate());
            } catch (NbdProtocolException expected) {
                // the one allowed failure
            } catch (RuntimeException e) {
                throw new AssertionError("parser threw " + e + " for " + input.remaining() + " bytes", e);
            }
        }
    }

    @Test
    void randomBuffers_neverEscapeWithAnythingButProtocolException() {
        Random rnd = new Random(20261121);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] b = new byte[rnd.nextInt(80)];
                rnd.nextBytes(b);
                parseAll(ByteBuffer.wrap(b));
            }
        });
    }

    @Test
    void randomBuffersWithValidMagics_neverEscapeWithAnythingButProtocolException() {
        // random tails behind correct magics reach the length and name checks, not just the magic check
        Random rnd = new Random(7);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] b = new byte[rnd.nextInt(120)];
                rnd.nextBytes(b);
                ByteBuffer buf = ByteBuffer.wrap(b);
                if (b.length >= 8) {
                    switch (i % 4) {
                        case 0 -> buf.putInt(0, NbdConstants.REQUEST_MAGIC);
                        case 1 -> buf.putLong(0, NbdConstants.IHAVEOPT);
                        case 2 -> buf.putLong(0, NbdConstants.OPTION_REPLY_MAGIC);
                        default -> buf.putInt(0, rnd.nextInt(b.length));
                    }
                }
                if (b.length >= 20 && rnd.nextBoolean()) {
                    buf.putInt(16, rnd.nextInt(200) - 50);
                }
                parseAll(buf);
            }
        });
    }

    @Test
    void everyTruncationOfValidMessages_givesProtocolExceptionNotAnotherException() {
        List<ByteBuffer> valid = List.of(
                new NbdRequest(1, 1, 9, 4096, 4096).encode(ByteBuffer.allocate(28)).flip(),
                NbdSimpleReply.encode(ByteBuffer.allocate(16), 0, 9).flip(),
                NbdHandshakeCodec.encodeGreeting(ByteBuffer.allocate(18), 3).flip(),
                NbdHandshakeCodec.encodeGoRequest(ByteBuffer.allocate(64), "vol0", List.of(1, 3)).flip(),
                NbdHandshakeCodec.encodeInfoExport(ByteBuffer.allocate(64), 7, 1 << 20, 1).flip(),
                NbdHandshakeCodec.encodeServerReply(ByteBuffer.allocate(64), "vol0").flip());
        for (ByteBuffer v : valid) {
            for (int len = 0; len < v.remaining(); len++) {
                parseAll(v.duplicate().limit(len));
            }
        }
    }

    @Test
    void truncatedGoRequest_isAlwaysRejected() {
        ByteBuffer v = NbdHandshakeCodec.encodeGoRequest(ByteBuffer.allocate(64), "vol0", List.of(1, 3)).flip();
        for (int len = 0; len < v.remaining(); len++) {
            try {
                NbdHandshakeCodec.decodeGoRequest(v.duplicate().limit(len));
                fail("accepted a GO request truncated to " + len + " bytes");
            } catch (NbdProtocolException expected) {
                // wanted
            }
        }
    }
}
