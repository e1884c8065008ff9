package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.MirrorMode;
import org.understudy.replication.FrameFlags;
import org.understudy.replication.FrameType;
import org.understudy.resync.ThrottleSet;
import org.understudy.storage.BlockDevice;
import org.understudy.transport.BufferPool;
import org.understudy.transport.FreeList;

/**
 * How the client I/O of one {@link MirroredVolume} travels: each modification is marked dirty, throttled, queued to
 * the standby on the {@link LinkKeeper}'s current link under its range guard and applied locally, then settled when
 * the standby answers (sync mode waits for that ACK, async mode only bounds the backlog); flushes and keepalives go
 * the same way; reads go through {@link MirroredReads}.
 * Thread-safe: called from many NBD threads at once; it keeps no state of its own beyond atomics and the thread-safe
 * {@link AsyncBacklog}, and takes the volume's monitor only through {@link LinkKeeper#linkForWrite}.
 */
final class MirrorDataPath {
    // the volume's logger: these lines were always the volume's, and operators filter on its name
    private static final Logger LOG = LogManager.getLogger(MirroredVolume.class);

    private final VolumeParts p;
    private final LinkKeeper keeper;
    private final ThrottleSet.Link mirrorThrottle;
    private final AsyncBacklog backlog;
    private final boolean async;
    private final MirroredReads reads;
    /** Async mode's copies of client data on their way to the standby; idle ones bounded. */
    private final BufferPool asyncCopies = new BufferPool(ASYNC_COPIES_IDLE_BYTES);
    private static final long ASYNC_COPIES_IDLE_BYTES = 8L << 20;

    MirrorDataPath(VolumeParts parts, LinkKeeper keeper, ThrottleSet.Link mirrorThrottle, AsyncBacklog backlog) {
        this.p = parts;
        this.keeper = keeper;
        this.mirrorThrottle = mirrorThrottle;
        this.backlog = backlog;
        this.async = parts.volume().mode() == MirrorMode.ASYNC;
        this.reads = new MirroredReads(parts, keeper);
    }

    /** A client read: local, or from the replica when the local disk fails (see {@link MirroredReads}). */
    void read(long offset, ByteBuffer dst) throws IOException {
        reads.read(offset, dst);
    }

    /** Reads served from the replica because the local disk failed (read blocker off). */
    long replicaReads() {
        return reads.replicaReads();
    }

    void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        Pending pending = new Pending();
        mirrored(pending, offset, src.remaining(),
                l -> (pending.last = shipWrite(l, offset, src, fua)) != null,
                () -> p.local().write(offset, src, fua));
    }

    /**
     * See {@link MirroredVolume#writeAsync}; {@code hold}: leave the frame queued for the next writes' frames. The
     * write travels as a pooled {@link AsyncWrite}: no lambda, future or record per write.
     */
    void writeAsync(long offset, ByteBuffer src, boolean fua, boolean hold, BlockDevice.WriteCallback callback) {
        AsyncWrite w = writes.acquire(offset, src, fua, callback);
        boolean started;
        try {
            started = begin(w, offset, src.remaining(), w, w, hold);
        } catch (IOException | RuntimeException e) {
            writes.release(w);
            callback.done(e);
            return;
        }
        if (!started) {
            writes.release(w);
            callback.done(null);
            return;
        }
        if (async) {
            // the client hears now; the bitmap and the backlog settle when the ACK comes (AsyncWrite.frameDone)
            recordLatency(w);
            Throwable failure = w.failure;
            w.localDone();
            callback.done(failure);
        } else {
            w.localDone();
        }
    }

    /** Client writes in flight through {@link #writeAsync}, and the idle ones kept for the next writes. */
    private final AsyncWrites writes = new AsyncWrites();

    /**
     * A small pool of {@link AsyncWrite}s: taken by the writing threads, given back by whoever settles one; beyond
     * more than the writes in flight at the usual queue depths, a finished one goes to the collector.
     */
    private final class AsyncWrites {
        private final FreeList<AsyncWrite> idle = new FreeList<>(1024, AsyncWrite::new);

        AsyncWrite acquire(long offset, ByteBuffer src, boolean fua, BlockDevice.WriteCallback callback) {
            AsyncWrite w = idle.take();
            w.start(offset, src, fua, callback);
            return w;
        }

        void release(AsyncWrite w) {
            w.clear();
            idle.giveBack(w);
        }
    }

    /**
     * One client write of {@link #writeAsync} from its start until it is settled: its own {@link Ship} and {@link
     * LocalOp}, and the {@link Outbound.Listener} of its last frame. Two events end it, in either order: its local
     * half returning ({@link #localDone}) and its last frame's answer ({@link #frameDone}); the second settles it (and
     * in sync mode tells the client), so the client never hears of a write whose local half is still running.
     */
    private final class AsyncWrite extends Pending implements Ship, LocalOp, Outbound.Listener {
        private final AtomicInteger events = new AtomicInteger();
        private ByteBuffer src;
        private boolean fua;
        private BlockDevice.WriteCallback callback;
        /** Async mode's copy of the client's data (see {@link #shipWrite}); null in sync mode. */
        private ByteBuffer copy;
        private boolean acked;

        void start(long offset, ByteBuffer src, boolean fua, BlockDevice.WriteCallback callback) {
            this.offset = offset;
            this.src = src;
            this.fua = fua;
            this.callback = callback;
            this.events.set(2);
        }

        void clear() {
            src = null;
            callback = null;
            copy = null;
            failure = null;
            last = null;
            shipped = false;
            reserved = false;
            acked = false;
        }

        @Override
        public boolean send(MirrorLink l) {
            if (!async) {
                return sendWriteFrames(l, offset, src, fua, this);
            }
            int n = src.remaining();
            copy = asyncCopies.acquire(n);
            copy.put(0, src, src.position(), n);
            if (!sendWriteFrames(l, offset, copy, fua, this)) {
                asyncCopies.release(copy);
                copy = null;
                return false;
            }
            return true;
        }

        @Override
        public void run() throws IOException {
            p.local().write(offset, src, fua);
        }

        @Override
        public void frameDone(boolean ok) {
            acked = ok;
            if (events.decrementAndGet() == 0) {
                settleWrite();
            }
        }

        /** The local half returned (begin is over): without a frame on the wire, nothing else will come. */
        void localDone() {
            if (!shipped) {
                events.decrementAndGet();
            }
            if (events.decrementAndGet() == 0) {
                settleWrite();
            }
        }

        private void settleWrite() {
            settle(this, shipped && acked);
            if (copy != null) {
                asyncCopies.release(copy);
            }
            BlockDevice.WriteCallback told = async ? null : callback;
            Throwable error = failure;
            writes.release(this);
            if (told != null) {
                told.done(error);
            }
        }
    }

    /**
     * Queues a client write's frames. Sync mode sends the client's own buffer (it stays untouched until the ACK). Async
     * mode returns before the ACK and the client's buffer is reused at once, so the data is copied first, into a
     * pooled direct buffer given back when the last frame is settled: no heap array per write, and no hidden copy of a
     * heap buffer into a temporary direct one by the socket write. Returns the last frame, or null if the link died.
     */
    private Outbound shipWrite(MirrorLink l, long offset, ByteBuffer src, boolean fua) {
        if (!async) {
            return enqueueWrite(l, offset, src.duplicate(), fua);
        }
        ByteBuffer c = asyncCopies.acquire(src.remaining());
        c.put(src.duplicate()).flip();
        Outbound last = enqueueWrite(l, offset, c, fua);
        if (last == null) {
            asyncCopies.release(c);
        } else {
            last.done.whenComplete((ok, ex) -> asyncCopies.release(c));
        }
        return last;
    }

    /** Sends the frames that writes started with {@code hold} left queued. */
    void sendHeld() {
        MirrorLink l = keeper.link();
        if (l != null) {
            l.pump();
        }
    }

    /** How a request travels to the standby on link {@code l}: true if its last frame is queued, false if the link died. */
    @FunctionalInterface
    private interface Ship {
        boolean send(MirrorLink l);
    }

    /** The local half of a request. */
    @FunctionalInterface
    private interface LocalOp {
        void run() throws IOException;
    }

    /**
     * A modification under way: filled by {@link #begin} (its local half done or failed, whether its last frame is
     * on the wire), read by whoever settles it.
     */
    private static class Pending {
        long offset;
        long length;
        long startNanos;
        /** Async mode: its bytes are counted in the backlog. */
        boolean reserved;
        /** Why its local half failed, or null. */
        Throwable failure;
        /** Its last frame was queued: an answer will come. */
        boolean shipped;
        /** That frame, for the callers that wait on its future ({@link #mirrored}); null for an {@link AsyncWrite}. */
        Outbound last;
    }

    /**
     * One mirrored modification, waited for: see {@link #begin}. Sync mode returns after the standby's ACK; async mode
     * returns at once and clears the bitmap when the ACK comes. {@code ship} sets {@code pending.last}.
     */
    private void mirrored(Pending pending, long offset, long len, Ship ship, LocalOp op) throws IOException {
        if (!begin(pending, offset, len, ship, op, false)) {
            return;
        }
        if (async || !pending.shipped) {
            settle(pending);
            if (async) {
                recordLatency(pending);
            }
        } else {
            settle(pending, pending.last.done.join());
        }
        if (pending.failure instanceof IOException io) {
            throw io;
        } else if (pending.failure != null) {
            throw (RuntimeException) pending.failure;
        }
    }

    /**
     * Starts one mirrored modification into {@code pending}: marked in the dirty bitmap first (durably), throttled,
     * then under its range guard queued to the standby (unless the link is down or an async backlog is full) and
     * applied locally; the frame is pumped before the local write, so the standby's round trip overlaps the local
     * I/O, unless {@code hold} (the caller sends it with the next writes' frames, see {@link #sendHeld}). Returns
     * false for an empty range (done locally). A failure of the local half is carried in {@code pending}, not thrown:
     * the frame may already be on its way and must be settled either way.
     */
    private boolean begin(Pending pending, long offset, long len, Ship ship, LocalOp op, boolean hold)
            throws IOException {
        long t0 = p.options().clock().getAsLong();
        check(offset, len);
        if (len == 0) {
            op.run();
            return false;
        }
        p.planner().beforeWrite(offset, len);
        if (keeper.link() != null) {
            throttle(len);
            if (async) {
                backlog.awaitBelowHighWater(p.options().ackTimeout().toNanos());
            }
        }
        pending.offset = offset;
        pending.length = len;
        pending.startNanos = t0;
        MirrorLink l = null;
        RangeGuard.Range r;
        try {
            r = p.guard().acquire(offset, len);
        } catch (IOException e) {
            p.planner().markUnreplicated(offset, len);
            throw e;
        }
        try {
            // the frame is queued inside the cut gate: a snapshot cut never falls between two links' views of it
            p.context().cuts().enter();
            try {
                l = keeper.linkForWrite();
                if (l != null && async && !(pending.reserved = backlog.reserve(len))) {
                    l.kill(String.format("async backlog of %d bytes plus a %d-byte write would pass the hard limit of"
                            + " %d bytes: shipping stops, regions are marked dirty and resynced", backlog.bytes(), len,
                            backlog.hardLimit()));
                    l = keeper.linkForWrite();
                }
                if (l != null) {
                    pending.shipped = ship.send(l);
                }
            } finally {
                p.context().cuts().exit();
            }
            if (pending.shipped && !hold) {
                // on the wire before the local write starts, so the standby's round trip overlaps the local I/O
                l.pump();
            }
            op.run();
        } catch (IOException | RuntimeException e) {
            pending.failure = e;
        } finally {
            p.guard().release(r);
        }
        // no second pump: a frame queued before pump() found the link busy is sent by the busy sender, which looks
        // at the queue again after it lets go (MirrorLink.pump)
        return true;
    }

    /**
     * Settles a modification of {@link #mirrored} whose ACK is not waited for here: without a frame, at once (the
     * regions stay dirty); in async mode, when the ACK comes.
     */
    private void settle(Pending pending) {
        if (!pending.shipped) {
            settle(pending, false);
        } else {
            pending.last.done.whenComplete((ok, ex) -> settle(pending, Boolean.TRUE.equals(ok)));
        }
    }

    /** The standby's answer is known: the regions are confirmed or stay dirty, and the write's latency is counted. */
    private void settle(Pending pending, boolean acked) {
        if (pending.reserved) {
            backlog.release(pending.length);
        }
        if (acked && pending.failure == null) {
            p.planner().replicated(pending.offset, pending.length);
        } else {
            p.planner().markUnreplicated(pending.offset, pending.length);
        }
        if (!async) {
            recordLatency(pending);
        }
    }

    /** A write's latency as its client sees it: until the ACK in sync mode, until the local write in async mode. */
    private void recordLatency(Pending pending) {
        p.latency().recordNanos(p.options().clock().getAsLong() - pending.startNanos);
    }

    private void throttle(long len) throws java.io.InterruptedIOException {
        try {
            mirrorThrottle.acquire(len);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while throttled");
        }
    }

    /** A client write's frames, each waited for through its future; returns the last, or null if the link died. */
    private static Outbound enqueueWrite(MirrorLink l, long offset, ByteBuffer data, boolean fua) {
        int max = l.maxFrame();
        int len = data.remaining();
        Outbound o = null;
        for (int i = 0; i < len; i += max) {
            int n = Math.min(max, len - i);
            int flags = fua && i + n == len ? FrameFlags.FUA : 0;
            o = l.enqueue(FrameType.WRITE, flags, offset + i, n, data.slice(data.position() + i, n), true);
            if (o == null) {
                return null;
            }
        }
        return o;
    }

    /**
     * A client write's frames in the link's pooled frames, the last one telling {@code listener}; false if the link
     * died. A write of one frame (the usual case) is sent from {@code data} itself, with no view object; a larger
     * one in views of its frame-sized pieces (their CRCs are computed while the sender may read earlier pieces).
     */
    private static boolean sendWriteFrames(MirrorLink l, long offset, ByteBuffer data, boolean fua,
                                           Outbound.Listener listener) {
        int max = l.maxFrame();
        int len = data.remaining();
        if (len <= max) {
            return l.sendWrite(fua ? FrameFlags.FUA : 0, offset, data, data.position(), len, listener);
        }
        for (int i = 0; i < len; i += max) {
            int n = Math.min(max, len - i);
            boolean lastPiece = i + n == len;
            int flags = fua && lastPiece ? FrameFlags.FUA : 0;
            if (!l.sendWrite(flags, offset + i, data.slice(data.position() + i, n), 0, n,
                    lastPiece ? listener : null)) {
                return false;
            }
        }
        return true;
    }

    /**
     * See {@link MirroredVolume#flushReplicated}. The FLUSH frame goes out before the local flush, as a write's frame
     * goes out before its local write: the two disks force their caches at the same time, so a client's flush waits
     * for the slower of them instead of their sum. A failed local flush is thrown after the frame left; the frame
     * completes on its own (its ACK, or the link's end).
     */
    boolean flushReplicated() throws IOException {
        long t0 = p.options().clock().getAsLong();
        MirrorLink l = keeper.link();
        Outbound o = l == null ? null : l.enqueue(FrameType.FLUSH, 0, 0, 0, null, false);
        if (o != null) {
            l.pump();
        }
        p.local().flush();
        boolean acked = o != null && o.done.join();
        if (o != null && !acked) {
            LOG.debug("mirror {}: FLUSH not acknowledged (link lost); durable locally only", p.name());
        }
        p.latency().recordNanos(p.options().clock().getAsLong() - t0);
        return acked;
    }

    /** See {@link MirroredVolume#keepalive}. */
    boolean keepalive(Runnable acked) {
        MirrorLink l = keeper.link();
        Outbound o = l == null ? null : l.enqueue(FrameType.KEEPALIVE, 0, 0, 0, null, false);
        if (o == null) {
            return false;
        }
        l.pump();
        o.done.thenAccept(ok -> {
            if (ok) {
                acked.run();
            }
        });
        return true;
    }

    /** TRIM ({@code trim}) or WRITE_ZEROES, mirrored as one ZERO frame. */
    void zeroRange(long offset, long length, boolean fua, boolean mayTrim, boolean trim) throws IOException {
        Pending pending = new Pending();
        mirrored(pending, offset, length,
                l -> (pending.last = l.enqueue(FrameType.ZERO, fua ? FrameFlags.FUA : 0, offset, length, null, true))
                        != null,
                () -> {
                    if (trim) {
                        p.local().trim(offset, length, fua);
                    } else {
                        p.local().writeZeroes(offset, length, fua, mayTrim);
                    }
                });
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > p.volume().size() - length) {
            throw new IllegalArgumentException(p.name() + ": range " + offset + "+" + length + " outside volume of "
                    + p.volume().size() + " bytes");
        }
    }
}
