package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.AlarmKind;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.replication.FrameType;

/**
 * A mirrored volume's client reads: from the local disk, and, while the volume's read blocker is off, from the
 * replica over the link when the local disk fails a read (the volume is then degraded: alarm raised, counted).
 * Thread-safe.
 */
final class MirroredReads {
    // the volume's logger: these lines were always the volume's, and operators filter on its name
    private static final Logger LOG = LogManager.getLogger(MirroredVolume.class);

    private final VolumeParts p;
    private final LinkKeeper keeper;
    private final AtomicLong replicaReads = new AtomicLong();

    MirroredReads(VolumeParts parts, LinkKeeper keeper) {
        this.p = parts;
        this.keeper = keeper;
    }

    void read(long offset, ByteBuffer dst) throws IOException {
        if (p.volume().mirror().readBlocker()) {
            p.local().read(offset, dst);
            return;
        }
        int start = dst.position();
        try {
            p.local().read(offset, dst);
        } catch (IOException e) {
            dst.position(start);
            readFromReplica(offset, dst, e);
        }
    }

    /**
     * Read blocker off: the local disk failed a read, so serve it from the replica over the link (a READ request is
     * sequenced after every write queued before it, so it returns what the client last wrote). The volume is then
     * degraded: alarm raised, counted. Without a link in sync the local error stands.
     */
    private void readFromReplica(long offset, ByteBuffer dst, IOException localError) throws IOException {
        MirrorLink l = keeper.link();
        if (l == null || keeper.state() != MirrorState.IN_SYNC) {
            throw localError;
        }
        if (replicaReads.getAndIncrement() == 0) {
            LOG.error("mirror {}: local read failed ({}); read blocker off: serving reads from the replica", p.name(),
                    localError.getMessage());
            keeper.raise(AlarmKind.STORAGE_ERROR, "local read error (" + localError.getMessage()
                    + "): reads served from the replica on standby " + p.standbyName());
            keeper.setLink(LinkState.UP, "to " + l.remote() + "; DEGRADED: reads served from the replica");
        }
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = Math.min(dst.remaining(), l.maxFrame());
            CompletableFuture<ByteBuffer> reply = new CompletableFuture<>();
            l.request(FrameType.READ, pos, n, null, reply);
            l.pump();
            ByteBuffer data;
            try {
                data = reply.get(p.options().ackTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw localError;
            } catch (ExecutionException | TimeoutException e) {
                throw localError;
            }
            if (data == null || data.remaining() != n) {
                throw localError;
            }
            dst.put(data);
            pos += n;
        }
    }

    /** Reads served from the replica because the local disk failed (read blocker off). */
    long replicaReads() {
        return replicaReads.get();
    }
}
