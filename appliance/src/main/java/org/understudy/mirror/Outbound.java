package org.understudy.mirror;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.understudy.replication.FrameType;

/**
 * One frame queued on a {@link MirrorLink}: its header fields and sequence number, the CRC32C of its payload so far
 * (the sender finishes it with the header it writes straight into its send buffer: no header array per frame), a view
 * of the caller's payload (never copied; the caller keeps it alive until {@link #done} completes) and the completion
 * telling the caller whether the standby acknowledged it ({@code true}) or the link died first ({@code false}).
 * Immutable after enqueue except for the completion and the CRC, which the one sender consumes.
 */
final class Outbound {
    final FrameType type;
    final int flags;
    final long seq;
    final long offset;
    /** The header's length field (the extent length of WRITE and ZERO, else what the caller gave). */
    final long frameLength;
    /** Bytes of client data this frame confirms when acknowledged (WRITE, ZERO), else 0. */
    final long length;
    final CRC32C crc;
    final ByteBuffer payload;
    final boolean clientWrite;
    final long enqueuedAt;
    final CompletableFuture<Boolean> done = new CompletableFuture<>();

    Outbound(FrameType type, int flags, long seq, long offset, long frameLength, CRC32C crc, ByteBuffer payload,
             boolean clientWrite, long enqueuedAt) {
        this.type = type;
        this.flags = flags;
        this.seq = seq;
        this.offset = offset;
        this.frameLength = frameLength;
        this.length = type == FrameType.WRITE || type == FrameType.ZERO ? frameLength : 0;
        this.crc = crc;
        this.payload = payload;
        this.clientWrite = clientWrite;
        this.enqueuedAt = enqueuedAt;
    }

    int payloadLength() {
        return payload == null ? 0 : payload.remaining();
    }
}
