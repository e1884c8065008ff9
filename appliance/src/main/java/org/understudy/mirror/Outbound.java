package org.understudy.mirror;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.understudy.replication.FrameType;

/**
 * One frame queued on a {@link MirrorLink}: its 40-byte header (sequence number and CRC already filled in), a view of
 * the caller's payload (never copied; the caller keeps it alive until {@link #done} completes) and the completion
 * telling the caller whether the standby acknowledged it ({@code true}) or the link died first ({@code false}).
 * Immutable after enqueue except for the completion.
 */
final class Outbound {
    final FrameType type;
    final long seq;
    final long length;
    final ByteBuffer header;
    final ByteBuffer payload;
    final boolean clientWrite;
    final long enqueuedAt;
    final CompletableFuture<Boolean> done = new CompletableFuture<>();

    Outbound(FrameType type, long seq, long length, ByteBuffer header, ByteBuffer payload, boolean clientWrite,
             long enqueuedAt) {
        this.type = type;
        this.seq = seq;
        this.length = length;
        this.header = header;
        this.payload = payload;
        this.clientWrite = clientWrite;
        this.enqueuedAt = enqueuedAt;
    }

    int payloadLength() {
        return payload == null ? 0 : payload.remaining();
    }
}
