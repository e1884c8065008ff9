package org.understudy.nbd;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure encoders and parsers for the fixed newstyle handshake: greeting, client flags, option headers, option payloads
 * (GO/INFO, EXPORT_NAME) and the server's option replies (ACK, SERVER, INFO_EXPORT, INFO_BLOCK_SIZE, ...). No I/O;
 * every parser throws only {@link NbdProtocolException} for bad bytes. Stateless and thread-safe.
 */
public final class NbdHandshakeCodec {
    private NbdHandshakeCodec() {
    }

    /** A client option header: the option number and the length of the data that follows. */
    public record OptionHeader(int option, int length) {
    }

    /** The payload of OPT_GO / OPT_INFO: the export name and the information types the client asks for. */
    public record GoRequest(String name, List<Integer> infoRequests) {
        public GoRequest {
            infoRequests = List.copyOf(infoRequests);
        }
    }

    /** One server option reply as a client sees it (used by clients and tests). */
    public record OptionReply(int option, int type, byte[] data) {
        public boolean isError() {
            return type < 0;
        }
    }

    /** Server greeting: NBDMAGIC, IHAVEOPT, handshake flags (18 bytes). */
    public static ByteBuffer encodeGreeting(ByteBuffer buf, int handshakeFlags) {
        return buf.putLong(NbdConstants.NBDMAGIC).putLong(NbdConstants.IHAVEOPT).putShort((short) handshakeFlags);
    }

    /** Parses the greeting and returns the handshake flags. */
    public static int decodeGreeting(ByteBuffer buf) throws NbdProtocolException {
        need(buf, NbdConstants.GREETING_SIZE, "greeting");
        long magic = buf.getLong();
        long opt = buf.getLong();
        if (magic != NbdConstants.NBDMAGIC || opt != NbdConstants.IHAVEOPT) {
            throw new NbdProtocolException(String.format("not a fixed newstyle greeting: 0x%016x 0x%016x", magic, opt));
        }
        return Short.toUnsignedInt(buf.getShort());
    }

    /**
     * Parses the client's 32-bit flags.
     *
     * @throws NbdProtocolException when truncated or carrying bits the server does not know (the spec says close)
     */
    public static int decodeClientFlags(ByteBuffer buf) throws NbdProtocolException {
        need(buf, 4, "client flags");
        int flags = buf.getInt();
        int known = NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE | NbdConstants.CLIENT_FLAG_NO_ZEROES;
        if ((flags & ~known) != 0) {
            throw new NbdProtocolException(String.format("unknown client flags 0x%08x", flags));
        }
        return flags;
    }

    /** Client option header: IHAVEOPT, option, length (16 bytes). */
    public static ByteBuffer encodeOptionHeader(ByteBuffer buf, int option, int length) {
        return buf.putLong(NbdConstants.IHAVEOPT).putInt(option).putInt(length);
    }

    /**
     * Parses an option header.
     *
     * @throws NbdProtocolException when truncated, the magic is wrong or the length exceeds {@link NbdConstants#MAX_OPTION_LENGTH}
     */
    public static OptionHeader decodeOptionHeader(ByteBuffer buf) throws NbdProtocolException {
        need(buf, NbdConstants.OPTION_HEADER_SIZE, "option header");
        long magic = buf.getLong();
        if (magic != NbdConstants.IHAVEOPT) {
            throw new NbdProtocolException(String.format("wrong option magic 0x%016x", magic));
        }
        int option = buf.getInt();
        int length = buf.getInt();
        if (length < 0 || length > NbdConstants.MAX_OPTION_LENGTH) {
            throw new NbdProtocolException("option " + NbdConstants.optionName(option) + " length "
                    + Integer.toUnsignedString(length) + " exceeds " + NbdConstants.MAX_OPTION_LENGTH);
        }
        return new OptionHeader(option, length);
    }

    /** Encodes an OPT_GO / OPT_INFO payload (clients and tests). */
    public static ByteBuffer encodeGoRequest(ByteBuffer buf, String name, List<Integer> infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        buf.putInt(n.length).put(n).putShort((short) infos.size());
        for (int i : infos) {
            buf.putShort((short) i);
        }
        return buf;
    }

    /** Parses the whole payload of an OPT_GO / OPT_INFO; trailing or missing bytes are an error. */
    public static GoRequest decodeGoRequest(ByteBuffer data) throws NbdProtocolException {
        need(data, 4, "GO name length");
        long nameLen = Integer.toUnsignedLong(data.getInt());
        if (nameLen > NbdConstants.MAX_NAME_LENGTH) {
            throw new NbdProtocolException("export name length " + nameLen + " exceeds " + NbdConstants.MAX_NAME_LENGTH);
        }
        need(data, (int) nameLen, "GO export name");
        String name = utf8(data, (int) nameLen);
        need(data, 2, "GO information request count");
        int count = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != count * 2) {
            throw new NbdProtocolException("GO announces " + count + " information requests but carries "
                    + data.remaining() + " bytes");
        }
        List<Integer> infos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            infos.add(Short.toUnsignedInt(data.getShort()));
        }
        return new GoRequest(name, infos);
    }

    /** Parses the payload of OPT_EXPORT_NAME: the whole payload is the name. */
    public static String decodeExportName(ByteBuffer data) throws NbdProtocolException {
        if (data.remaining() > NbdConstants.MAX_NAME_LENGTH) {
            throw new NbdProtocolException("export name length " + data.remaining() + " exceeds " + NbdConstants.MAX_NAME_LENGTH);
        }
        return utf8(data, data.remaining());
    }

    /** Option reply header followed by {@code dataLength} bytes the caller appends. */
    public static ByteBuffer encodeOptionReplyHeader(ByteBuffer buf, int option, int replyType, int dataLength) {
        return buf.putLong(NbdConstants.OPTION_REPLY_MAGIC).putInt(option).putInt(replyType).putInt(dataLength);
    }

    /** A complete option reply with an optional payload ({@code data} may be null). */
    public static ByteBuffer encodeOptionReply(ByteBuffer buf, int option, int replyType, byte[] data) {
        int len = data == null ? 0 : data.length;
        encodeOptionReplyHeader(buf, option, replyType, len);
        if (data != null) {
            buf.put(data);
        }
        return buf;
    }

    /** NBD_REP_INFO carrying NBD_INFO_EXPORT: size and transmission flags (32 bytes). */
    public static ByteBuffer encodeInfoExport(ByteBuffer buf, int option, long size, int transmissionFlags) {
        encodeOptionReplyHeader(buf, option, NbdConstants.REP_INFO, 12);
        return buf.putShort((short) NbdConstants.INFO_EXPORT).putLong(size).putShort((short) transmissionFlags);
    }

    /** NBD_REP_INFO carrying NBD_INFO_BLOCK_SIZE (34 bytes). */
    public static ByteBuffer encodeInfoBlockSize(ByteBuffer buf, int option, int min, int preferred, int max) {
        encodeOptionReplyHeader(buf, option, NbdConstants.REP_INFO, 14);
        return buf.putShort((short) NbdConstants.INFO_BLOCK_SIZE).putInt(min).putInt(preferred).putInt(max);
    }

    /** NBD_REP_INFO carrying NBD_INFO_NAME or NBD_INFO_DESCRIPTION (a string). */
    public static ByteBuffer encodeInfoString(ByteBuffer buf, int option, int infoType, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        encodeOptionReplyHeader(buf, option, NbdConstants.REP_INFO, 2 + b.length);
        return buf.putShort((short) infoType).put(b);
    }

    /** NBD_REP_SERVER for OPT_LIST: one export name. */
    public static ByteBuffer encodeServerReply(ByteBuffer buf, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        encodeOptionReplyHeader(buf, NbdConstants.OPT_LIST, NbdConstants.REP_SERVER, 4 + b.length);
        return buf.putInt(b.length).put(b);
    }

    /** The reply to OPT_EXPORT_NAME: size, flags and 124 zero bytes unless NO_ZEROES was agreed. */
    public static ByteBuffer encodeExportNameReply(ByteBuffer buf, long size, int transmissionFlags, boolean noZeroes) {
        buf.putLong(size).putShort((short) transmissionFlags);
        if (!noZeroes) {
            buf.put(new byte[124]);
        }
        return buf;
    }

    /**
     * Parses one server option reply (header and payload).
     *
     * @throws NbdProtocolException when truncated, the magic is wrong or the payload is implausibly large
     */
    public static OptionReply decodeOptionReply(ByteBuffer buf) throws NbdProtocolException {
        need(buf, NbdConstants.OPTION_REPLY_HEADER_SIZE, "option reply header");
        long magic = buf.getLong();
        if (magic != NbdConstants.OPTION_REPLY_MAGIC) {
            throw new NbdProtocolException(String.format("wrong option reply magic 0x%016x", magic));
        }
        int option = buf.getInt();
        int type = buf.getInt();
        int len = buf.getInt();
        if (len < 0 || len > NbdConstants.MAX_OPTION_LENGTH) {
            throw new NbdProtocolException("option reply length " + Integer.toUnsignedString(len) + " too large");
        }
        need(buf, len, "option reply payload");
        byte[] data = new byte[len];
        buf.get(data);
        return new OptionReply(option, type, data);
    }

    private static void need(ByteBuffer buf, int n, String what) throws NbdProtocolException {
        if (n < 0 || buf.remaining() < n) {
            throw new NbdProtocolException("truncated " + what + ": " + buf.remaining() + " of " + n + " bytes");
        }
    }

    private static String utf8(ByteBuffer buf, int len) throws NbdProtocolException {
        ByteBuffer slice = buf.slice(buf.position(), len);
        buf.position(buf.position() + len);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice).toString();
            if (s.indexOf('\0') >= 0) {
                throw new NbdProtocolException("export name contains NUL");
            }
            return s;
        } catch (CharacterCodingException e) {
            throw new NbdProtocolException("export name is not valid UTF-8");
        }
    }
}
