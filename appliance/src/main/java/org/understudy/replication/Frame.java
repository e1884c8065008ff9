package org.understudy.replication;

import java.nio.ByteBuffer;

/**
 * One decoded frame. The payload is a view into the decoder's buffer, valid only until the next read from the same
 * {@link FrameChannel} (no copy is made); copy it to keep it. Not thread-safe (shares the buffer).
 *
 * @param length  extent length: the payload length for WRITE, the range length for ZERO, 0 otherwise
 * @param payload read-only view, position 0, possibly empty
 */
public record Frame(FrameType type, int flags, long seq, long offset, long length, ByteBuffer payload) {

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    @Override
    public String toString() {
        return type + "[seq=" + seq + " off=" + offset + " len=" + length + " flags=" + flags + " payload="
                + payload.remaining() + "]";
    }
}
