package org.understudy.replica;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.understudy.replication.FrameChannel;
import org.understudy.replication.FrameType;
import org.understudy.replication.ProtocolException;

/**
 * The checks a replica session makes on a frame's range and arguments before it acts on it, and the answers to a
 * primary's questions about its replica (READ: the bytes, for a primary whose local disk failed a read). A frame
 * that fails a check is a protocol error: the session closes the link.
 */
final class ReplicaAnswers {
    private ReplicaAnswers() {
    }

    /** A WRITE, ZERO, READ or DIGEST range must lie inside the replica of {@code size} bytes. */
    static void checkRange(FrameType type, long seq, long offset, long length, long size) throws ProtocolException {
        if (offset > size - length) {
            throw new ProtocolException(type + " seq " + seq + " range " + offset + "+" + length
                    + " is outside the volume of " + size + " bytes");
        }
    }

    /** A READ inside the replica and no larger than one frame's payload. */
    static void checkRead(FrameChannel frames, long seq, long offset, long length, long size) throws ProtocolException {
        checkRange(FrameType.READ, seq, offset, length, size);
        if (length > frames.maxPayloadSize()) {
            throw new ProtocolException("READ of " + length + " bytes exceeds the frame size");
        }
    }

    /** Answers a checked READ with the replica's bytes. */
    static void read(FrameChannel frames, Replica r, long seq, long offset, long length) throws IOException {
        ByteBuffer data = ByteBuffer.allocateDirect((int) length);
        r.read(offset, data);
        frames.writeLarge(FrameType.READ_DATA, 0, seq, offset, data.flip());
    }

    /**
     * A DIGEST inside the replica, whose payload names a region size (a power of two of 4 KiB or more) that cuts its
     * range into at most 4,096 regions; returns that size.
     */
    static int checkDigest(long seq, long offset, long length, long size, ByteBuffer payload)
            throws ProtocolException {
        checkRange(FrameType.DIGEST, seq, offset, length, size);
        if (payload == null || payload.remaining() < Integer.BYTES) {
            throw new ProtocolException("DIGEST seq " + seq + " without its region size");
        }
        int region = payload.getInt(payload.position());
        if (region < 4096 || Integer.bitCount(region) != 1 || length / region > 4096) {
            throw new ProtocolException("DIGEST with region size " + region + " over " + length
                    + " bytes is not allowed");
        }
        return region;
    }
}
