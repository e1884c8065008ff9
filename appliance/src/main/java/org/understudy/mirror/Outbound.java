package org.understudy.mirror;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.understudy.replication.FrameType;

/**
 * One frame queued on a {@link MirrorLink}: its header fields and sequence number, the CRC32C of its payload so far
 * (the sender finishes it with the header it writes straight into its send buffer: no header array per frame), the
 * range of the caller's payload it carries (never copied; the caller keeps it unchanged until the frame is answered)
 * and who is told whether the standby acknowledged it ({@code true}) or the link died first ({@code false}).
 *
 * <p>Two kinds: a frame queued with {@link MirrorLink#enqueue} completes its {@link #done} future, for callers that
 * wait or chain (flush, sync, probes); a client write's frame ({@link MirrorLink#sendWrite}) is pooled by its link
 * and tells a {@link Listener} instead, so the write path allocates no frame, future or callback per write. Fields
 * are set before the frame is queued and read by the one sender and the ACK reader after it; the link's lock orders
 * them.
 */
final class Outbound {
    /** Told once whether the standby acknowledged a frame (true) or the link died first (false). */
    @FunctionalInterface
    interface Listener {
        void frameDone(boolean acked);
    }

    FrameType type;
    int flags;
    long seq;
    long offset;
    /** The header's length field (the extent length of WRITE and ZERO, else what the caller gave). */
    long frameLength;
    /** Bytes of client data this frame confirms when acknowledged (WRITE, ZERO), else 0. */
    long length;
    final CRC32C crc = new CRC32C();
    /** The payload is {@code payload}'s bytes {@code [payloadAt, payloadAt + payloadLength)}; null: none. */
    ByteBuffer payload;
    int payloadAt;
    int payloadLength;
    boolean clientWrite;
    long enqueuedAt;
    /** Completed when the standby answers; null for a pooled frame, which tells its {@link #listener}. */
    final CompletableFuture<Boolean> done;
    private Listener listener;

    private Outbound(CompletableFuture<Boolean> done) {
        this.done = done;
    }

    /** A frame whose answer completes {@link #done}. */
    static Outbound awaited() {
        return new Outbound(new CompletableFuture<>());
    }

    /** A frame its link reuses once answered: tells its listener (if any) and has no future. */
    static Outbound pooled() {
        return new Outbound(null);
    }

    boolean isPooled() {
        return done == null;
    }

    void set(FrameType type, int flags, long offset, long frameLength, ByteBuffer payload, int payloadAt,
             int payloadLength, boolean clientWrite, Listener listener) {
        this.type = type;
        this.flags = flags;
        this.offset = offset;
        this.frameLength = frameLength;
        this.length = type == FrameType.WRITE || type == FrameType.ZERO ? frameLength : 0;
        this.payload = payload;
        this.payloadAt = payloadAt;
        this.payloadLength = payload == null ? 0 : payloadLength;
        this.clientWrite = clientWrite;
        this.listener = listener;
    }

    /** The standby answered ({@code acked}) or the link died first. */
    void complete(boolean acked) {
        if (done != null) {
            done.complete(acked);
        } else if (listener != null) {
            listener.frameDone(acked);
        }
    }

    /** A pooled frame, answered: forgets its payload and listener and is ready for {@link #set}. */
    Outbound recycle() {
        payload = null;
        listener = null;
        crc.reset();
        return this;
    }
}
