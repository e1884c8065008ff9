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
        int magic = buf.getInt();
        if (magic != NbdConstants.REQUEST_MAGIC) {
            buf.position(buf.position() - 4);
            throw new NbdProtocolException(String.format("wrong request magic 0x%08x", magic));
        }
        int flags = Short.toUnsignedInt(buf.getShort());
        int type = Short.toUnsignedInt(buf.getShort());
        long cookie = buf.getLong();
        long offset = buf.getLong();
        long length = Integer.toUnsignedLong(buf.getInt());
        return new NbdRequest(flags, type, cookie, offset, length);
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
        int flags = Short.toUnsignedInt(buf.getShort(at + 4));
        int type = Short.toUnsignedInt(buf.getShort(at + 6));
        long length = Integer.toUnsignedLong(buf.getInt(at + 24));
        return buf.getInt(at) == NbdConstants.REQUEST_MAGIC && type == NbdConstants.CMD_WRITE
                && (flags & NbdConstants.CMD_FLAG_FUA) == 0 && length > 0 && length <= max
                && buf.remaining() >= NbdConstants.REQUEST_SIZE + length;
    }
}
