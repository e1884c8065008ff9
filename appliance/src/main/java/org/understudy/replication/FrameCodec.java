package org.understudy.replication;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Pure encoder/decoder of replication frames over {@link ByteBuffer}s: no I/O, no state, thread-safe.
 *
 * <h2>Replication wire protocol, version 1</h2>
 * A link is one TCP connection from a primary to the standby carrying one volume (optionally wrapped by a
 * {@link LinkSecurity}, e.g. TLS later). Every message, handshake included, is a frame: a fixed 40-byte big-endian
 * header followed by {@code payloadLength} bytes of payload.
 * <pre>
 *  offset size field
 *   0     4    magic          0x55535250 ("USRP")
 *   4     1    type           {@link FrameType#code()}; unknown codes are a protocol error
 *   5     1    flags          {@link FrameFlags}
 *   6     2    reserved       must be 0
 *   8     8    seq            sequence number (see below)
 *  16     8    offset         byte offset in the volume (WRITE, ZERO), else 0
 *  24     8    length         extent length: = payloadLength for WRITE, range length for ZERO, else 0
 *  32     4    payloadLength  0 .. negotiated maximum frame size
 *  36     4    crc            CRC32C over the payload bytes followed by header bytes 0..35
 * </pre>
 * The CRC covers the payload first so a sender can checksum large data outside its sequencing lock and add the small
 * header (which carries the sequence number) last.
 *
 * <h3>Handshake</h3>
 * <ol>
 * <li>primary → HELLO: {@code u16 minVersion, u16 maxVersion, u32 maxFrameProposal, 32-byte nonceP, str primary,
 *     str volume, u64 volumeSize} (str = u16 length + UTF-8, at most 255 bytes)</li>
 * <li>standby → CHALLENGE: {@code u16 version, u32 maxFrame, 32-byte nonceS, str standby, 32-byte proofS} where
 *     maxFrame = min(both proposals) bounded to [{@value #MIN_FRAME}, {@value #MAX_FRAME}] and
 *     proofS = HMAC-SHA256(clusterKey, "understudy-repl/standby" | nonceP | nonceS | transcript)</li>
 * <li>primary checks proofS, then → PROOF: {@code 32-byte proofP}, proofP = HMAC-SHA256(clusterKey,
 *     "understudy-repl/primary" | nonceS | nonceP | transcript)</li>
 * <li>standby checks proofP, that the primary and the volume exist in its cluster file and that the size matches, then
 *     → WELCOME (flags {@link FrameFlags#REPLICA_CONSISTENT}, {@link FrameFlags#REPLICA_FRESH}), or ERROR and close.</li>
 * </ol>
 * The transcript is version, maxFrame, primary, volume, size. Each side proves knowledge of the key over the other's
 * fresh nonce under its own role label, so a proof reflected back at its author (or replayed) never verifies.
 * Handshake frames carry seq 0.
 *
 * <h3>Data stream</h3>
 * After WELCOME the primary sends sequenced frames (WRITE, ZERO, FLUSH, SYNC_BEGIN, SYNC_END, KEEPALIVE), numbered
 * 1, 2, 3... without gaps; the standby applies them strictly in that order and answers with cumulative ACKs (seq N =
 * every frame up to N applied; flag DURABLE = also forced). A frame with flag FUA, a FLUSH and a SYNC_END are
 * acknowledged only after {@code FileChannel.force}. Either side may send ERROR (reason as UTF-8) and close.
 * Garbage, a bad CRC, a truncated or oversized frame, a frame out of sequence or in the wrong direction closes the
 * connection with a logged reason; the bad frame is never applied.
 *
 * <h3>Versions</h3>
 * The primary offers {@code [minVersion, maxVersion]} in HELLO; the standby chooses the highest version both speak
 * and refuses a primary with none in common; the primary refuses a choice outside its range. Both bind the choice in
 * the authenticated transcript. Version 2 added IDENTITY frames after WELCOME; version 3 adds {@link
 * FrameType#SNAPSHOT} cut markers, which a primary sends only on a link that negotiated 3 or later, so a version-2
 * standby never meets one.
 */
public final class FrameCodec {
    public static final int MAGIC = 0x55535250;
    public static final int HEADER_SIZE = 40;
    /** 3: SNAPSHOT cut markers; 2: IDENTITY frames after WELCOME (generations and epochs decide every reconnect). */
    public static final int VERSION = 3;
    /** The oldest version still spoken: a peer that only speaks older ones is refused at the handshake. */
    public static final int MIN_VERSION = 2;
    /** Smallest and largest negotiable maximum payload per frame. */
    public static final int MIN_FRAME = 64 * 1024;
    public static final int MAX_FRAME = 16 * 1024 * 1024;
    /** Largest payload accepted before the frame size is negotiated (handshake frames). */
    public static final int HANDSHAKE_MAX_PAYLOAD = 4096;
    private static final int CRC_OFFSET = 36;

    private FrameCodec() {
    }

    /** The maximum frame size both sides agree on: the smaller proposal, kept within the protocol's bounds. */
    public static int negotiateMaxFrame(int mine, int theirs) {
        return Math.max(MIN_FRAME, Math.min(MAX_FRAME, Math.min(mine, theirs)));
    }

    /**
     * Writes a complete frame (header and a copy of the payload) at {@code dst}'s position. For small frames and tests;
     * the data path sends large payloads without copying using {@link #writeHeader(ByteBuffer, FrameType, int, long,
     * long, long, int, CRC32C)}.
     */
    public static void encode(ByteBuffer dst, FrameType type, int flags, long seq, long offset, long length,
                              ByteBuffer payload) {
        encode(dst, type, flags, seq, offset, length, payload, new CRC32C());
    }

    /**
     * Like {@link #encode(ByteBuffer, FrameType, int, long, long, long, ByteBuffer)} with the caller's {@code crc}
     * (reset here): a writer of many small frames (ACKs) keeps one.
     */
    public static void encode(ByteBuffer dst, FrameType type, int flags, long seq, long offset, long length,
                              ByteBuffer payload, CRC32C crc) {
        crc.reset();
        if (payload == null) {
            writeHeader(dst, type, flags, seq, offset, length, 0, crc);
            return;
        }
        ByteBuffer p = payload.duplicate();
        crc.update(p.duplicate());
        writeHeader(dst, type, flags, seq, offset, length, p.remaining(), crc);
        dst.put(p);
    }

    /**
     * Writes a 40-byte header at {@code dst}'s position, finishing {@code payloadCrc} (already updated with the payload
     * bytes, and consumed by this call) with the header bytes.
     */
    public static void writeHeader(ByteBuffer dst, FrameType type, int flags, long seq, long offset, long length,
                                   int payloadLength, CRC32C payloadCrc) {
        if (dst.order() != ByteOrder.BIG_ENDIAN) {
            ByteBuffer h = dst.slice(dst.position(), HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
            writeHeader(h, type, flags, seq, offset, length, payloadLength, payloadCrc);
            dst.position(dst.position() + HEADER_SIZE);
            return;
        }
        // absolute puts into dst itself: a view of the header would be two buffer objects per frame
        int at = dst.position();
        dst.putInt(at, MAGIC);
        dst.put(at + 4, (byte) type.code());
        dst.put(at + 5, (byte) flags);
        dst.putShort(at + 6, (short) 0);
        dst.putLong(at + 8, seq);
        dst.putLong(at + 16, offset);
        dst.putLong(at + 24, length);
        dst.putInt(at + 32, payloadLength);
        update(payloadCrc, dst, at, CRC_OFFSET);
        dst.putInt(at + CRC_OFFSET, (int) payloadCrc.getValue());
        dst.position(at + HEADER_SIZE);
    }

    /**
     * Adds {@code b}'s bytes {@code [from, from+len)} to {@code crc} without a view object: {@code b}'s position and
     * limit are moved for the call and put back, so only the thread that owns {@code b} may do this.
     */
    public static void update(CRC32C crc, ByteBuffer b, int from, int len) {
        int position = b.position();
        int limit = b.limit();
        b.limit(b.capacity());
        b.position(from);
        b.limit(from + len);
        crc.update(b);
        b.limit(limit);
        b.position(position);
    }

    /**
     * Decodes one frame from {@code src} (position to limit). Returns {@code null} and leaves {@code src} untouched when
     * more bytes are needed; otherwise advances {@code src} past the frame. The payload is a view of {@code src}.
     *
     * @param maxPayload largest payload accepted (the negotiated maximum frame size)
     * @throws ProtocolException bad magic, unknown type, nonzero reserved bits, oversized or inconsistent lengths, or
     *                           a CRC mismatch; the header is checked before waiting for the payload, so an oversized
     *                           or garbage frame is refused without buffering it
     */
    public static Frame decode(ByteBuffer src, int maxPayload) throws ProtocolException {
        Header h = decodeHeader(src, maxPayload);
        if (h == null || src.remaining() < HEADER_SIZE + h.payloadLength()) {
            return null;
        }
        ByteBuffer payload = src.slice(src.position() + HEADER_SIZE, h.payloadLength());
        verify(src, h, payload);
        src.position(src.position() + HEADER_SIZE + h.payloadLength());
        return h.frame(payload.asReadOnlyBuffer(), false);
    }

    /**
     * A frame's header, checked: decoded before its payload arrives, so a reader can refuse an oversized or garbage
     * frame without buffering it, and read a large payload straight into a buffer of its own.
     */
    public record Header(FrameType type, int flags, long seq, long offset, long length, int payloadLength, int crc) {

        /** The frame of this header and {@code payload} (already {@linkplain #verify verified}). */
        public Frame frame(ByteBuffer payload, boolean owned) {
            return new Frame(type, flags, seq, offset, length, payload, owned);
        }
    }

    /**
     * Decodes and checks the header at {@code src}'s position without consuming it; null when fewer than
     * {@link #HEADER_SIZE} bytes are there. Checks everything but the CRC (see {@link #verify}).
     */
    public static Header decodeHeader(ByteBuffer src, int maxPayload) throws ProtocolException {
        if (src.remaining() < HEADER_SIZE) {
            return null;
        }
        ByteBuffer h = src.slice(src.position(), HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
        int payloadLength = checkHeader(h, 0, maxPayload);
        return new Header(type(h, 0), flags(h, 0), seq(h, 0), offset(h, 0), length(h, 0), payloadLength,
                h.getInt(CRC_OFFSET));
    }

    /**
     * Checks the header at {@code src}'s index {@code at} (40 bytes there, {@code src} big-endian) as {@link
     * #decodeHeader} does, without making an object of it; returns its payload length. Its fields are then read with
     * {@link #type}, {@link #flags}, {@link #seq}, {@link #offset}, {@link #length} and {@link #crc}.
     */
    public static int checkHeader(ByteBuffer src, int at, int maxPayload) throws ProtocolException {
        int magic = src.getInt(at);
        if (magic != MAGIC) {
            throw new ProtocolException(String.format("bad magic 0x%08x (not an Understudy replication peer?)", magic));
        }
        int code = src.get(at + 4) & 0xff;
        FrameType type = FrameType.byCode(code);
        if (type == null) {
            throw new ProtocolException("unknown frame type " + code);
        }
        if (src.getShort(at + 6) != 0) {
            throw new ProtocolException("nonzero reserved header bits in " + type + " frame");
        }
        long payloadLength = src.getInt(at + 32) & 0xffffffffL;
        if (payloadLength > maxPayload) {
            throw new ProtocolException(type + " frame of " + payloadLength + " bytes exceeds the maximum of "
                    + maxPayload);
        }
        checkLengths(type, offset(src, at), length(src, at), payloadLength);
        return (int) payloadLength;
    }

    /** The type of the header at {@code src}'s index {@code at}, already {@linkplain #checkHeader checked}. */
    public static FrameType type(ByteBuffer src, int at) {
        return FrameType.byCode(src.get(at + 4) & 0xff);
    }

    public static int flags(ByteBuffer src, int at) {
        return src.get(at + 5) & 0xff;
    }

    public static long seq(ByteBuffer src, int at) {
        return src.getLong(at + 8);
    }

    public static long offset(ByteBuffer src, int at) {
        return src.getLong(at + 16);
    }

    public static long length(ByteBuffer src, int at) {
        return src.getLong(at + 24);
    }

    public static int crc(ByteBuffer src, int at) {
        return src.getInt(at + CRC_OFFSET);
    }

    /**
     * Checks a frame's CRC32C: {@code payload} (position to limit, not consumed) followed by the first 36 bytes of the
     * header at {@code headerAt}'s position. One pass over the payload, on the buffer it was received into.
     */
    public static void verify(ByteBuffer headerAt, Header header, ByteBuffer payload) throws ProtocolException {
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        crc.update(headerAt.slice(headerAt.position(), CRC_OFFSET));
        if ((int) crc.getValue() != header.crc()) {
            throw crcMismatch(header.type(), header.seq(), (int) crc.getValue(), header.crc());
        }
    }

    /**
     * Like {@link #verify(ByteBuffer, Header, ByteBuffer)} over absolute ranges, with the reader's own {@code crc}
     * (reset here) and no view objects: the payload is {@code payload}'s bytes {@code [payloadAt, payloadAt +
     * payloadLength)}, the header the 40 bytes at {@code header}'s index {@code headerAt}. Both buffers belong to the
     * calling reader (see {@link #update}).
     */
    public static void verify(CRC32C crc, ByteBuffer header, int headerAt, ByteBuffer payload, int payloadAt,
                              int payloadLength) throws ProtocolException {
        crc.reset();
        if (payloadLength > 0) {
            update(crc, payload, payloadAt, payloadLength);
        }
        update(crc, header, headerAt, CRC_OFFSET);
        int expected = crc(header, headerAt);
        if ((int) crc.getValue() != expected) {
            throw crcMismatch(type(header, headerAt), seq(header, headerAt), (int) crc.getValue(), expected);
        }
    }

    private static ProtocolException crcMismatch(FrameType type, long seq, int computed, int expected) {
        return new ProtocolException(String.format("CRC32C mismatch on %s frame seq %d: computed 0x%08x, frame says"
                + " 0x%08x", type, seq, computed, expected));
    }

    private static void checkLengths(FrameType type, long offset, long length, long payloadLength)
            throws ProtocolException {
        if (offset < 0 || length < 0) {
            throw new ProtocolException(type + " frame with negative offset " + offset + " or length " + length);
        }
        switch (type) {
            case WRITE -> {
                if (length != payloadLength || length == 0) {
                    throw new ProtocolException("WRITE frame length " + length + " does not match payload "
                            + payloadLength);
                }
            }
            case ZERO -> {
                if (payloadLength != 0 || length == 0) {
                    throw new ProtocolException("ZERO frame must have no payload and a nonzero length (length "
                            + length + ", payload " + payloadLength + ")");
                }
            }
            case READ -> {
                if (payloadLength != 0 || length == 0) {
                    throw new ProtocolException("READ frame must have no payload and a nonzero length (length "
                            + length + ", payload " + payloadLength + ")");
                }
            }
            case SNAPSHOT -> {
                if (payloadLength != 0 || length != 0) {
                    throw new ProtocolException("SNAPSHOT frame must have no payload and length 0 (length " + length
                            + ", payload " + payloadLength + ")");
                }
            }
            case DIGEST -> {
                if (payloadLength != 4 || length == 0) {
                    throw new ProtocolException("DIGEST frame must carry a 4-byte region size and a nonzero length"
                            + " (length " + length + ", payload " + payloadLength + ")");
                }
            }
            default -> {
                if (length != 0) {
                    throw new ProtocolException(type + " frame must have length 0, has " + length);
                }
            }
        }
    }
}
