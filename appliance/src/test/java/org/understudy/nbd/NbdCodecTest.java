package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class NbdCodecTest {

    @Test
    void request_roundTrip_keepsEveryFieldIncludingUnsignedLengthAndHugeOffset() throws Exception {
        NbdRequest r = new NbdRequest(0xffff, NbdConstants.CMD_WRITE_ZEROES, 0x1122334455667788L, -2L, 0xffff_fff0L);
        ByteBuffer b = r.encode(ByteBuffer.allocate(28)).flip();
        assertEquals(r, NbdRequest.decode(b));
        assertEquals(0, b.remaining());
    }

    @Test
    void request_wrongMagic_isProtocolError() {
        ByteBuffer b = new NbdRequest(0, 0, 1, 0, 512).encode(ByteBuffer.allocate(28)).flip();
        b.put(0, (byte) 0x26);
        NbdProtocolException e = assertThrows(NbdProtocolException.class, () -> NbdRequest.decode(b));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void request_truncated_isProtocolError() {
        ByteBuffer b = new NbdRequest(0, 0, 1, 0, 512).encode(ByteBuffer.allocate(28)).flip().limit(27);
        assertThrows(NbdProtocolException.class, () -> NbdRequest.decode(b));
    }

    @Test
    void simpleReply_roundTrip_andLayoutIsMagicErrorCookie() throws Exception {
        ByteBuffer b = NbdSimpleReply.encode(ByteBuffer.allocate(16), NbdConstants.EIO, 42).flip();
        assertEquals(NbdConstants.SIMPLE_REPLY_MAGIC, b.getInt(0));
        assertEquals(NbdConstants.EIO, b.getInt(4));
        assertEquals(new NbdSimpleReply(NbdConstants.EIO, 42), NbdSimpleReply.decode(b));
    }

    @Test
    void greeting_advertisesFixedNewstyleAndNoZeroes_in18Bytes() throws Exception {
        ByteBuffer b = NbdHandshakeCodec.encodeGreeting(ByteBuffer.allocate(64), 3).flip();
        assertEquals(18, b.remaining());
        assertEquals(3, NbdHandshakeCodec.decodeGreeting(b));
    }

    @Test
    void clientFlags_unknownBits_areRejected() throws Exception {
        assertEquals(3, NbdHandshakeCodec.decodeClientFlags(ByteBuffer.allocate(4).putInt(0, 3)));
        assertThrows(NbdProtocolException.class, () -> NbdHandshakeCodec.decodeClientFlags(ByteBuffer.allocate(4).putInt(0, 4)));
    }

    @Test
    void optionHeader_roundTrip_andOversizedLengthRejected() throws Exception {
        ByteBuffer b = NbdHandshakeCodec.encodeOptionHeader(ByteBuffer.allocate(16), NbdConstants.OPT_GO, 100).flip();
        assertEquals(new NbdHandshakeCodec.OptionHeader(NbdConstants.OPT_GO, 100), NbdHandshakeCodec.decodeOptionHeader(b));
        ByteBuffer big = NbdHandshakeCodec.encodeOptionHeader(ByteBuffer.allocate(16), 7, NbdConstants.MAX_OPTION_LENGTH + 1).flip();
        assertThrows(NbdProtocolException.class, () -> NbdHandshakeCodec.decodeOptionHeader(big));
        ByteBuffer neg = NbdHandshakeCodec.encodeOptionHeader(ByteBuffer.allocate(16), 7, -1).flip();
        assertThrows(NbdProtocolException.class, () -> NbdHandshakeCodec.decodeOptionHeader(neg));
    }

    @Test
    void goRequest_roundTrip_withUtf8NameAndInfoRequests() throws Exception {
        ByteBuffer b = NbdHandshakeCodec.encodeGoRequest(ByteBuffer.allocate(100), "völ0", List.of(3, 1, 2)).flip();
        NbdHandshakeCodec.GoRequest go = NbdHandshakeCodec.decodeGoRequest(b);
        assertEquals("völ0", go.name());
        assertEquals(List.of(3, 1, 2), go.infoRequests());
    }

    @Test
    void goRequest_countDisagreeingWithLength_isProtocolError() {
        ByteBuffer b = NbdHandshakeCodec.encodeGoRequest(ByteBuffer.allocate(100), "a", List.of(3)).flip();
        b.putShort(5, (short) 2);
        assertThrows(NbdProtocolException.class, () -> NbdHandshakeCodec.decodeGoRequest(b));
    }

    @Test
    void goRequest_nameLengthBeyondPayload_isProtocolError() {
        ByteBuffer b = ByteBuffer.allocate(8).putInt(0x7fffffff).putShort((short) 0).flip();
        assertThrows(NbdProtocolException.class, () -> NbdHandshakeCodec.decodeGoRequest(b));
    }

    @Test
    void exportName_invalidUtf8OrNul_isProtocolError() {
        assertThrows(NbdProtocolException.class,
                () -> NbdHandshakeCodec.decodeExportName(ByteBuffer.wrap(new byte[] {(byte) 0xc3, 0x28})));
        assertThrows(NbdProtocolException.class, () -> NbdHandshakeCodec.decodeExportName(ByteBuffer.wrap(new byte[] {'a', 0})));
    }

    @Test
    void infoExport_carriesSizeAndFlags() throws Exception {
        ByteBuffer b = NbdHandshakeCodec.encodeInfoExport(ByteBuffer.allocate(64), NbdConstants.OPT_GO, 1L << 40,
                NbdConstants.SERVER_TRANSMISSION_FLAGS).flip();
        NbdHandshakeCodec.OptionReply r = NbdHandshakeCodec.decodeOptionReply(b);
        assertEquals(NbdConstants.REP_INFO, r.type());
        assertEquals(NbdConstants.OPT_GO, r.option());
        ByteBuffer d = ByteBuffer.wrap(r.data());
        assertEquals(NbdConstants.INFO_EXPORT, d.getShort());
        assertEquals(1L << 40, d.getLong());
        int flags = d.getShort() & 0xffff;
        assertEquals(NbdConstants.SERVER_TRANSMISSION_FLAGS, flags);
        assertEquals(0, flags & NbdConstants.TFLAG_READ_ONLY);
        assertTrue((flags & NbdConstants.TFLAG_CAN_MULTI_CONN) != 0);
    }

    @Test
    void infoBlockSize_carriesMinPreferredMax() throws Exception {
        ByteBuffer b = NbdHandshakeCodec.encodeInfoBlockSize(ByteBuffer.allocate(64), NbdConstants.OPT_INFO, 1, 4096, 32 << 20).flip();
        ByteBuffer d = ByteBuffer.wrap(NbdHandshakeCodec.decodeOptionReply(b).data());
        assertEquals(NbdConstants.INFO_BLOCK_SIZE, d.getShort());
        assertEquals(1, d.getInt());
        assertEquals(4096, d.getInt());
        assertEquals(32 << 20, d.getInt());
    }

    @Test
    void serverReply_carriesLengthPrefixedName() throws Exception {
        ByteBuffer b = NbdHandshakeCodec.encodeServerReply(ByteBuffer.allocate(64), "vol0").flip();
        NbdHandshakeCodec.OptionReply r = NbdHandshakeCodec.decodeOptionReply(b);
        assertEquals(NbdConstants.REP_SERVER, r.type());
        assertArrayEquals(new byte[] {0, 0, 0, 4, 'v', 'o', 'l', '0'}, r.data());
    }

    @Test
    void errorReply_isNegativeType() throws Exception {
        ByteBuffer b = NbdHandshakeCodec.encodeOptionReply(ByteBuffer.allocate(64), 8, NbdConstants.REP_ERR_UNSUP, null).flip();
        NbdHandshakeCodec.OptionReply r = NbdHandshakeCodec.decodeOptionReply(b);
        assertTrue(r.isError());
        assertEquals(8, r.option());
    }

    @Test
    void exportNameReply_is134BytesOr10WithNoZeroes() {
        assertEquals(134, NbdHandshakeCodec.encodeExportNameReply(ByteBuffer.allocate(200), 1, 1, false).position());
        assertEquals(10, NbdHandshakeCodec.encodeExportNameReply(ByteBuffer.allocate(200), 1, 1, true).position());
    }
}
