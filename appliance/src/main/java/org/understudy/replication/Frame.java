package org.understudy.replication;

import java.nio.ByteBuffer;

/**
 * One decoded frame. A small payload is a view into the decoder's buffer, valid only until the next read from the same
 * {@link FrameChannel} (no copy is made); copy it to keep it. A large one ({@code owned}) was read straight into a
 * buffer of its own, valid until given back with {@link FrameChannel#release}, so it may be handed to another thread.
 * Not thread-safe.
 *
 * @param length  extent length: the payload length for WRITE, the range length for ZERO, 0 otherwise
 * @param payload position 0, possibly empty; read-only unless owned
 * @param owned   the payload is a pooled buffer of its own, not a view of the read buffer
 */
public record Frame(FrameType type, int flags, long seq, long offset, long length, ByteBuffer payload,
                    boolean owned) {

    /** A frame whose payload is a view (tests, small frames). */
    public Frame(FrameType type, int flags, long seq, long offset, long length, ByteBuffer payload) {
        this(type, flags, seq, offset, length, payload, false);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    @Override
    public String toString() {
        return type + "[seq=" + seq + " off=" + offset + " len=" + length + " flags=" + flags + " payload="
                + payload.remaining() + (owned ? " owned" : "") + "]";
    }
}
