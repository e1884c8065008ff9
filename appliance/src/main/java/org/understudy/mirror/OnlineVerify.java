package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.understudy.replication.FrameType;
import org.understudy.replication.RegionDigests;
import org.understudy.storage.BlockDevice;

/**
 * Online verify of one volume against its replica while clients keep writing. For each batch of regions the local
 * digests are computed and the DIGEST request is queued while the batch's range is held in the {@link RangeGuard}:
 * every overlapping write queued before the request has completed locally, and every later one is queued after it,
 * so both sides digest the same point of the write stream and a busy volume gives no false mismatch. A region the
 * dirty bitmap still marks (a write not yet confirmed, or a resync pending) is skipped, not reported. Mismatching
 * regions are marked dirty; the caller resyncs them. One run at a time per volume (the caller serialises).
 */
final class OnlineVerify {
    private static final long BATCH = 16L << 20;
    private static final int WINDOW = 4;
    private static final int KEEP_OFFSETS = 16;

    private OnlineVerify() {
    }

    private record Pending(long offset, long length, ByteBuffer local, CompletableFuture<ByteBuffer> remote) {
    }

    /**
     * Runs the verify; {@code progress} is told the bytes compared so far after each batch whose digests came back
     * (for the volume's status while it runs).
     */
    static VerifyResult run(BlockDevice local, RangeGuard guard, MirrorLink link, BitmapPlanner planner, long size,
                            int region, LongSupplier clock, long replyTimeoutNanos, LongConsumer progress)
            throws IOException {
        long t0 = clock.getAsLong();
        long batch = Math.max(region, BATCH - BATCH % region);
        ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        Tally tally = new Tally();
        for (long off = 0; off < size; off += batch) {
            long n = Math.min(batch, size - off);
            CompletableFuture<ByteBuffer> reply = new CompletableFuture<>();
            ByteBuffer mine;
            RangeGuard.Range r = guard.acquire(off, n);
            try {
                mine = RegionDigests.of(local::readBulk, off, n, region);
                ByteBuffer req = ByteBuffer.allocate(4).putInt(0, region);
                if (link.request(FrameType.DIGEST, off, n, req, reply) == null) {
                    throw new IOException("link lost during verify: " + link.downReason());
                }
            } finally {
                guard.release(r);
            }
            link.pump();
            inFlight.addLast(new Pending(off, n, mine, reply));
            if (inFlight.size() >= WINDOW) {
                compared(inFlight.pollFirst(), planner, region, tally, link, replyTimeoutNanos, progress);
            }
        }
        while (!inFlight.isEmpty()) {
            compared(inFlight.pollFirst(), planner, region, tally, link, replyTimeoutNanos, progress);
        }
        for (long off : tally.mismatchOffsets) {
            long len = Math.min(region, size - off);
            planner.beforeWrite(off, len);
            planner.markUnreplicated(off, len);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - t0);
        return new VerifyResult(size, tally.compared, tally.mismatches, tally.skipped,
                List.copyOf(tally.mismatchOffsets.subList(0, Math.min(KEEP_OFFSETS, tally.mismatchOffsets.size()))),
                millis);
    }

    private static final class Tally {
        long compared;
        long mismatches;
        long skipped;
        final List<Long> mismatchOffsets = new ArrayList<>();
    }

    private static void compared(Pending p, BitmapPlanner planner, int region, Tally t, MirrorLink link,
                                 long timeoutNanos, LongConsumer progress) throws IOException {
        compare(p, planner, region, t, link, timeoutNanos);
        progress.accept(p.offset() + p.length());
    }

    private static void compare(Pending p, BitmapPlanner planner, int region, Tally t, MirrorLink link,
                                long timeoutNanos) throws IOException {
        ByteBuffer theirs;
        try {
            theirs = p.remote().get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("verify interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("no digest from the standby: " + e);
        }
        if (theirs == null) {
            throw new IOException("link lost during verify: " + link.downReason());
        }
        if (theirs.remaining() != p.local().remaining()) {
            throw new IOException("standby answered " + theirs.remaining() / 4 + " digests for "
                    + p.local().remaining() / 4 + " regions");
        }
        int regions = p.local().remaining() / 4;
        long firstRegion = p.offset() / region;
        for (int i = 0; i < regions; i++) {
            t.compared++;
            if (p.local().getInt(4 * i) == theirs.getInt(4 * i)) {
                continue;
            }
            if (planner.bitmap().isDirty(firstRegion + i)) {
                t.skipped++; // not confirmed yet: the resync or the pending ACK settles it
                continue;
            }
            t.mismatches++;
            t.mismatchOffsets.add(p.offset() + (long) i * region);
        }
    }
}
