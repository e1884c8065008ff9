package org.understudy.nbd;

import java.nio.ByteBuffer;

/**
 * A simple reply header (16 bytes): error and cookie. A successful READ reply is followed by the data. Immutable.
 *
 * @param error  0 or an NBD errno value ({@link NbdConstants#EIO} ...)
 * @param cookie the request's cookie
 */
public record NbdSimpleReply(int error, long cookie) {

    /** Writes a reply header into {@code buf} without allocating. */
    public static ByteBuffer encode(ByteBuffer buf, int error, long cookie) {
        buf.putInt(NbdConstants.SIMPLE_REPLY_MAGIC);
        buf.putInt(error);
        buf.putLong(cookie);
        return buf;
    }

    /** Writes this reply header into {@code buf}. */
    public ByteBuffer encode(ByteBuffer buf) {
        return encode(buf, error, cookie);
    }

    /**
     * Parses a reply header, consuming 16 bytes.
     *
     * @throws NbdProtocolException when truncated or the magic is wrong
     */
    public static NbdSimpleReply decode(ByteBuffer buf) throws NbdProtocolException {
        if (buf.remaining() < NbdConstants.SIMPLE_REPLY_SIZE) {
            throw new NbdProtocolException("truncated simple reply: " + buf.remaining() + " of 16 bytes");
        }
        int magic = buf.getInt();
        if (magic != NbdConstants.SIMPLE_REPLY_MAGIC) {
            throw new NbdProtocolException(String.format("wrong simple reply magic 0x%08x", magic));
        }
        return new NbdSimpleReply(buf.getInt(), buf.getLong());
    }
}
