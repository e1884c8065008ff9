package org.understudy.replica;

import java.io.IOException;
import java.util.function.Consumer;
import org.understudy.replication.FrameChannel;
import org.understudy.replication.FrameFlags;
import org.understudy.replication.FrameType;

/**
 * The cumulative ACKs of one link: sent by the session's reader after a batch of frames and by the appliers as each
 * large write lands, never past a write an applier is still on ({@link ApplyPipeline#appliedThrough}) nor past one
 * the reader holds back for a snapshot's commit ({@link #readerApplied}), and only ever rising. DURABLE when
 * everything acknowledged is also forced. Thread-safe.
 */
final class LinkAcks {
    private final FrameChannel frames;
    private final Consumer<String> onFailure;
    private final Object lock = new Object();
    private volatile ApplyPipeline pipeline;
    /** Highest sequence number acknowledged; guarded by {@link #lock}. */
    private long acked;
    /** Highest sequence number through which everything is forced (FUA, FLUSH, SYNC_END). */
    private volatile long durable;
    /** Highest sequence number the reader handled with none of its writes held back. */
    private volatile long readerApplied;

    /** @param onFailure told why when an applier's ACK could not be sent (the link is gone) */
    LinkAcks(FrameChannel frames, Consumer<String> onFailure) {
        this.frames = frames;
        this.onFailure = onFailure;
    }

    void pipeline(ApplyPipeline p) {
        pipeline = p;
    }

    /** Everything through {@code seq} is forced. */
    void durable(long seq) {
        durable = seq;
    }

    /** The reader handled everything through {@code seq} and holds none of it back. */
    void readerApplied(long seq) {
        readerApplied = seq;
    }

    /** Acknowledges everything applied so far, if that is more than last time. */
    void send() throws IOException {
        synchronized (lock) {
            long through = Math.min(pipeline.appliedThrough(), readerApplied);
            if (through <= acked) {
                return;
            }
            frames.write(FrameType.ACK, durable == through ? FrameFlags.DURABLE : 0, through, null);
            acked = through;
        }
    }

    /** An applier finished a large write: its ACK goes out now, whatever the reader is waiting for. */
    void fromApplier() {
        try {
            send();
        } catch (IOException e) {
            onFailure.accept("ACK not sent: " + e.getMessage());
        }
    }
}
