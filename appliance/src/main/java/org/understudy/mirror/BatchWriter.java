package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.understudy.replication.FrameCodec;
import org.understudy.transport.StreamConnection;

/**
 * Puts a link's batch of frames on its socket in as few gathering writes as it can: each header, and each payload of
 * up to {@value #COPY_BELOW} bytes, is copied into one direct staging buffer; a larger payload goes out from the
 * caller's buffer itself, as its own entry of the gathering write. Reuses everything it needs (the staging buffer,
 * its segment views, the entry list and array), so a batch allocates nothing but the view of each large payload.
 * Used by one sender at a time (the link's send lock).
 */
final class BatchWriter {
    private static final int STAGING = 256 * 1024;
    private static final int COPY_BELOW = 16 * 1024;

    private final StreamConnection channel;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING);
    private final List<ByteBuffer> iov;
    /** {@link #iov} as the array a gathering write takes, reused. */
    private ByteBuffer[] iovArray;
    /** Views of {@link #staging}, one per segment of the socket write being built. */
    private final List<ByteBuffer> segmentViews = new ArrayList<>();
    private int segmentsUsed;
    private long socketWrites;

    BatchWriter(StreamConnection channel, int maxBatch) {
        this.channel = channel;
        this.iov = new ArrayList<>(2 * maxBatch);
        this.iovArray = new ByteBuffer[2 * maxBatch + 2];
    }

    /** Writes {@code batch}'s frames, in order, whole; returns the payload bytes they carried. */
    long write(List<Outbound> batch) throws IOException {
        staging.clear();
        int segmentStart = 0;
        long payload = 0;
        for (int i = 0; i < batch.size(); i++) {
            Outbound o = batch.get(i);
            int plen = o.payloadLength;
            if (staging.remaining() < FrameCodec.HEADER_SIZE + COPY_BELOW) {
                flushSegment(segmentStart);
                writeAll();
                staging.clear();
                segmentStart = 0;
            }
            FrameCodec.writeHeader(staging, o.type, o.flags, o.seq, o.offset, o.frameLength, plen, o.crc);
            if (plen > 0 && plen <= COPY_BELOW) {
                // an absolute copy: the payload's position may be moving (its local write runs meanwhile)
                staging.put(staging.position(), o.payload, o.payloadAt, plen);
                staging.position(staging.position() + plen);
            } else if (plen > 0) {
                segmentStart = flushSegment(segmentStart);
                iov.add(o.payload.slice(o.payloadAt, plen));
            }
            payload += plen;
        }
        flushSegment(segmentStart);
        writeAll();
        return payload;
    }

    /** Forgets a batch a failure left half written. */
    void reset() {
        iov.clear();
        segmentsUsed = 0;
    }

    /** Socket writes so far (for the link's closing log line). */
    long socketWrites() {
        return socketWrites;
    }

    private int flushSegment(int segmentStart) {
        int end = staging.position();
        if (end > segmentStart) {
            // a reused view of the staging buffer per segment of this socket write: no slice per write
            if (segmentsUsed == segmentViews.size()) {
                segmentViews.add(staging.duplicate());
            }
            ByteBuffer v = segmentViews.get(segmentsUsed++);
            v.clear().position(segmentStart).limit(end);
            iov.add(v);
        }
        return end;
    }

    private void writeAll() throws IOException {
        if (iov.isEmpty()) {
            return;
        }
        socketWrites++;
        int count = iov.size();
        if (iovArray.length < count) {
            iovArray = new ByteBuffer[count];
        }
        ByteBuffer[] arr = iov.toArray(iovArray);
        int first = 0;
        try {
            while (first < count) {
                channel.write(arr, first, count - first);
                while (first < count && !arr[first].hasRemaining()) {
                    first++;
                }
            }
        } finally {
            Arrays.fill(arr, 0, count, null);
            reset();
        }
    }
}
