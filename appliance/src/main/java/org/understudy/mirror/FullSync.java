package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.replication.FrameType;
import org.understudy.storage.BlockDevice;

/**
 * Copies the planned extents of a volume to the standby over one link while clients keep writing. Each chunk is read
 * and queued while holding its range in the {@link RangeGuard}, the same guard client writes hold, so a chunk always
 * carries data at least as new as every write sequenced before it, and every later overlapping write is sequenced
 * after it. All-zero chunks go as ZERO frames, or not at all when the replica is fresh. A bounded window of chunks is
 * in flight. Runs on its own thread; progress is readable from any thread.
 */
final class FullSync implements Runnable {
    private static final Logger LOG = LogManager.getLogger(FullSync.class);

    /** What the sync reports back. */
    interface Outcome {
        void syncDone(MirrorLink link, List<ResyncPlanner.Extent> copied, FullSync sync);

        void syncAborted(MirrorLink link, String reason);

        /** Before a chunk of {@code bytes} is read and queued: the resync throttle waits here. */
        default void beforeChunk(long bytes) throws InterruptedException {
        }

        /** The standby acknowledged the chunk {@code [offset, offset+length)} (or it was skipped: fresh replica). */
        default void chunkAcked(long offset, long length) {
        }

        /** Done or aborted: the sync's {@code bufferBytes} of direct buffers are garbage now (see {@link SyncMemory}). */
        default void buffersDropped(long bufferBytes) {
        }
    }

    private final String name;
    private final BlockDevice local;
    private final boolean aroundCache;
    private final RangeGuard guard;
    private final MirrorLink link;
    private final List<ResyncPlanner.Extent> extents;
    private final int chunk;
    private final int window;
    private final LongSupplier clock;
    private final Outcome outcome;
    private final AtomicLong copied;
    private final AtomicLong zeroed;
    private final AtomicLong skipped;
    private final long total;
    private volatile long done;

    /**
     * @param aroundCache read around the page cache ({@link BlockDevice#readBulk}): for a full copy, which reads
     *                    regions no client touched lately; an incremental resync reads recent writes, which the
     *                    cache still holds and which direct reads would first have to write back
     */
    FullSync(String name, BlockDevice local, RangeGuard guard, MirrorLink link, List<ResyncPlanner.Extent> extents,
             int chunk, int window, LongSupplier clock, Outcome outcome, TrafficCounters counters,
             boolean aroundCache) {
        this.name = name;
        this.aroundCache = aroundCache;
        this.local = local;
        this.guard = guard;
        this.link = link;
        this.extents = extents;
        this.chunk = Math.min(chunk, link.maxFrame());
        this.window = Math.max(1, window);
        this.clock = clock;
        this.outcome = outcome;
        this.copied = counters.syncCopied;
        this.zeroed = counters.syncZeroed;
        this.skipped = counters.syncSkipped;
        this.total = extents.stream().mapToLong(ResyncPlanner.Extent::length).sum();
    }

    /** Bytes this sync has to copy. */
    long total() {
        return total;
    }

    /** Bytes read and queued so far. */
    long done() {
        return done;
    }

    /** Bytes per second so far (or over the whole sync once it ended). */
    double rate() {
        long t0 = started;
        if (t0 == 0) {
            return 0;
        }
        long t1 = ended != 0 ? ended : clock.getAsLong();
        return done / Math.max(1e-3, (t1 - t0) / 1e9);
    }

    private volatile long started;
    private volatile long ended;

    /** 0..100. */
    double percent() {
        return total == 0 ? 100.0 : 100.0 * done / total;
    }

    @Override
    public void run() {
        long start = clock.getAsLong();
        started = start;
        long c0 = copied.get();
        long z0 = zeroed.get();
        long s0 = skipped.get();
        ByteBuffer zeros = ByteBuffer.allocateDirect(chunk);
        long bufferBytes = chunk;
        ArrayDeque<Slot> inFlight = new ArrayDeque<>();
        boolean fresh = link.replicaFresh();
        link.pump(); // SYNC_BEGIN, queued before the link became visible
        try {
            for (ResyncPlanner.Extent e : extents) {
                for (long off = e.offset(); off < e.offset() + e.length(); off += chunk) {
                    int n = (int) Math.min(chunk, e.offset() + e.length() - off);
                    ByteBuffer buf = inFlight.size() >= window ? await(inFlight.pollFirst()) : null;
                    outcome.beforeChunk(n);
                    if (buf == null) {
                        buf = ByteBuffer.allocateDirect(chunk);
                        bufferBytes += chunk;
                    }
                    Outbound o = sendChunk(off, n, buf, zeros, fresh);
                    link.pump();
                    if (o == null && link.isDead()) {
                        throw new IOException("link died: " + link.downReason());
                    }
                    inFlight.addLast(new Slot(o, buf, off, n));
                    done += n;
                    logProgress(start);
                }
            }
            Outbound end = link.enqueue(FrameType.SYNC_END, 0, 0, 0, null, false);
            link.pump();
            if (end == null || !end.done.get()) {
                throw new IOException("link died before SYNC_END was acknowledged: " + link.downReason());
            }
            while (!inFlight.isEmpty()) {
                await(inFlight.pollFirst()); // acknowledged with SYNC_END (cumulative): clears their regions
            }
            LOG.info("mirror {}: full sync of {} bytes done in {} ms: {} bytes copied, {} zeroed without payload, "
                            + "{} skipped (fresh replica)", name, total, (clock.getAsLong() - start) / 1_000_000,
                    copied.get() - c0, zeroed.get() - z0, skipped.get() - s0);
            ended = clock.getAsLong();
            outcome.syncDone(link, extents, this);
        } catch (IOException e) {
            outcome.syncAborted(link, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome.syncAborted(link, "interrupted");
        } catch (ExecutionException | RuntimeException e) {
            LOG.error("mirror {}: full sync failed", name, e);
            outcome.syncAborted(link, "sync failed: " + e);
        } finally {
            outcome.buffersDropped(bufferBytes);
        }
    }

    private Outbound sendChunk(long off, int n, ByteBuffer buf, ByteBuffer zeros, boolean fresh) throws IOException {
        RangeGuard.Range r = guard.acquire(off, n);
        try {
            buf.clear().limit(n);
            if (aroundCache) {
                local.readBulk(off, buf); // see FileBlockDevice.readBulk
            } else {
                local.read(off, buf);
            }
            buf.flip();
            if (buf.mismatch(zeros.duplicate().limit(n)) == -1) {
                if (fresh) {
                    skipped.addAndGet(n);
                    return null;
                }
                zeroed.addAndGet(n);
                return link.enqueue(FrameType.ZERO, 0, off, n, null, false);
            }
            copied.addAndGet(n);
            return link.enqueue(FrameType.WRITE, 0, off, n, buf, false);
        } finally {
            guard.release(r);
        }
    }

    private int lastDecile;

    /** One line per 10 % so an operator following the log sees the sync move, with its rate. */
    private void logProgress(long start) {
        int decile = (int) (percent() / 10);
        if (decile > lastDecile && decile < 10) {
            lastDecile = decile;
            double secs = Math.max(1e-9, (clock.getAsLong() - start) / 1e9);
            LOG.info("mirror {}: full sync {}% ({} of {} bytes, {} MiB/s)", name, decile * 10, done, total,
                    String.format("%.1f", done / secs / (1 << 20)));
        }
    }

    /** Waits until the slot's frame is acknowledged; its buffer may then be reused. */
    private ByteBuffer await(Slot s) throws IOException, InterruptedException, ExecutionException {
        if (s.frame != null && !s.frame.done.get()) {
            throw new IOException("link died: " + link.downReason());
        }
        outcome.chunkAcked(s.offset, s.length);
        return s.buffer;
    }

    private record Slot(Outbound frame, ByteBuffer buffer, long offset, long length) {
    }

}
