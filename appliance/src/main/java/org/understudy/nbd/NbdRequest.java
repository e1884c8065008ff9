package org.understudy.nbd;

import java.nio.ByteBuffer;

/**
 * One transmission-phase request header (28 bytes): flags, type, cookie, offset, length. The payload of a WRITE follows
 * on the wire and is not part of this record. Immutable.
 *
 * @param flags  command flags (u16)
 * @param type   command type (u16)
 * @param cookie the client's opaque handle, echoed in the reply
 * @param offset byte offset (u64 on the wire; a value with the top bit set is negative here and always out of range)
 * @param length length in bytes (u32 on the wire, never negative here)
 */
public record NbdRequest(int flags, int type, long cookie, long offset, long length) {

    /**
     * Parses one request header from {@code buf} (big-endian), consuming 28 bytes.
     *
     * @throws NbdProtocolException when fewer than 28 bytes remain or the magic is wrong
     */
    public static NbdRequest decode(ByteBuffer buf) throws NbdProtocolException {
        if (buf.remaining() < NbdConstants.REQUEST_SIZE) {
            throw new NbdProtocolException("truncated request: " + buf.remaining() + " of " + NbdConstants.REQUEST_SIZE + " bytes");
        }
        int at = buf.position();
        checkMagicAt(buf, at);
        buf.position(at + NbdConstants.REQUEST_SIZE);
        return new NbdRequest(flagsAt(buf, at), typeAt(buf, at), cookieAt(buf, at), offsetAt(buf, at), lengthAt(buf, at));
    }

    // The header's layout, read in place at index {@code at} without moving the buffer: decode uses it, and so does
    // the server's request loop, whose write path makes no record per request.

    /** @throws NbdProtocolException when the header at {@code at} does not start with the request magic */
    static void checkMagicAt(ByteBuffer buf, int at) throws NbdProtocolException {
        int magic = buf.getInt(at);
        if (magic != NbdConstants.REQUEST_MAGIC) {
            throw new NbdProtocolException(String.format("wrong request magic 0x%08x", magic));
        }
    }

    static int flagsAt(ByteBuffer buf, int at) {
        return Short.toUnsignedInt(buf.getShort(at + 4));
    }

    static int typeAt(ByteBuffer buf, int at) {
        return Short.toUnsignedInt(buf.getShort(at + 6));
    }

    static long cookieAt(ByteBuffer buf, int at) {
        return buf.getLong(at + 8);
    }

    static long offsetAt(ByteBuffer buf, int at) {
        return buf.getLong(at + 16);
    }

    static long lengthAt(ByteBuffer buf, int at) {
        return Integer.toUnsignedLong(buf.getInt(at + 24));
    }

    /** Writes this header (28 bytes) into {@code buf}; used by clients and tests. */
    public ByteBuffer encode(ByteBuffer buf) {
        buf.putInt(NbdConstants.REQUEST_MAGIC);
        buf.putShort((short) flags);
        buf.putShort((short) type);
        buf.putLong(cookie);
        buf.putLong(offset);
        buf.putInt((int) length);
        return buf;
    }

    /** True when the command carries {@link #length()} payload bytes after the header. */
    public boolean hasPayload() {
        return type == NbdConstants.CMD_WRITE;
    }

    /**
     * Whether {@code buf} (position to limit) already holds a whole further WRITE without FUA of 1 to {@code max}
     * bytes, header and payload: the reader reaches it without waiting. Does not move {@code buf}.
     */
    static boolean bufferedWriteFollows(ByteBuffer buf, int max) {
        if (buf.remaining() < NbdConstants.REQUEST_SIZE) {
            return false;
        }
        int at = buf.position();
        int flags = flagsAt(buf, at);
        int type = typeAt(buf, at);
        long length = lengthAt(buf, at);
        return buf.getInt(at) == NbdConstants.REQUEST_MAGIC && type == NbdConstants.CMD_WRITE
                && (flags & NbdConstants.CMD_FLAG_FUA) == 0 && length > 0 && length <= max
                && buf.remaining() >= NbdConstants.REQUEST_SIZE + length;
    }
}
