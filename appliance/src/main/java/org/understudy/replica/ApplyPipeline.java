package org.understudy.replica;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How one link's frames reach its replica without a single-thread bottleneck: the session's reader thread receives,
 * checks and sequences frames; a large WRITE is handed to a shared pool of appliers, so the next frame is received
 * while the previous one goes into the page cache, and several large writes of one volume are applied at once. Small
 * writes are applied by the reader itself (a hand-off would cost more than the write).
 *
 * <p>Order where it matters: a write whose range overlaps a write still being applied waits until that one is done,
 * so overlapping writes land in sequence order and the replica is always a state the primary passed through (writes
 * in flight together are all unacknowledged, so the client itself had them outstanding at once). A frame that needs
 * everything before it in place (FLUSH, FUA, ZERO, SYNC_BEGIN/END, READ, DIGEST) calls {@link #drain} first.
 * {@link #appliedThrough} is the cumulative acknowledgement: the highest sequence number below which every frame was
 * applied. A failed apply stops it there for good and is thrown from the next call of the reader.
 *
 * <p>Thread-safety: {@link #write}, {@link #done} and {@link #drain} from the one reader thread; {@link #appliedThrough}
 * from any thread; appliers call back through {@code onApplied}.
 */
final class ApplyPipeline {
    /**
     * Whether the session hands large writes to the appliers at all (off: every write goes through the reader's
     * CowWriter batch, one thread per link, as before the appliers).
     */
    static final boolean PARALLEL = true;
    /** Writes being applied at once per link: bounds the buffers a link holds and its share of the pool. */
    static final int MAX_IN_FLIGHT = 8;

    /** Where writes go (the replica image). */
    @FunctionalInterface
    interface Target {
        void write(long offset, ByteBuffer data) throws IOException;
    }

    /** Called by the reader before it waits for an applier (it must not hold what an applier may need). */
    @FunctionalInterface
    interface BeforeWait {
        void run() throws IOException;
    }

    private final long align;
    private final Target target;
    private final Target inline;
    private final BeforeWait beforeWait;
    private final Executor appliers;
    private final Runnable onApplied;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Writes handed to the pool and not yet done, in sequence order. */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** Highest sequence number handed to {@link #write} or {@link #done}. */
    private long lastSeq;
    private IOException failure;
    private long dispatched;
    /** Writes an applier still works on (a failed one stays in {@link #inFlight}, holding the acknowledgement back). */
    private int running;
    private long overlapWaits;

    private static final class InFlight {
        final long seq;
        final long start;
        final long end;
        boolean done;

        InFlight(long seq, long start, long end) {
            this.seq = seq;
            this.start = start;
            this.end = end;
        }
    }

    /**
     * @param target     where the appliers write (any thread)
     * @param inline     where the reader writes small ones itself
     * @param appliers   runs large writes (shared by every link of the standby)
     * @param onApplied  told after an applier finished a write (the session may acknowledge more); not under a lock
     * @param beforeWait run by the reader before it waits for an applier
     */
    ApplyPipeline(Target target, Target inline, Executor appliers, Runnable onApplied, BeforeWait beforeWait) {
        this(target, inline, appliers, onApplied, beforeWait, 1);
    }

    /**
     * @param align ranges count as overlapping when they share an {@code align}-sized block (a snapshot chunk: two
     *              writes into one chunk must not preserve it at once)
     */
    ApplyPipeline(Target target, Target inline, Executor appliers, Runnable onApplied, BeforeWait beforeWait,
                  long align) {
        this.align = Math.max(1, align);
        this.target = target;
        this.inline = inline;
        this.beforeWait = beforeWait;
        this.appliers = appliers;
        this.onApplied = onApplied;
    }

    /**
     * Applies WRITE {@code seq} of {@code data} at {@code offset}: by the pool when {@code dispatch} (a large payload
     * in a buffer of its own), else by the calling reader. Waits first while it overlaps a write in flight or too many
     * are in flight. {@code release} runs once the data is no longer needed (on any thread).
     */
    void write(long seq, long offset, ByteBuffer data, boolean dispatch, Runnable release) throws IOException {
        long end = offset + data.remaining();
        InFlight entry;
        boolean mustWait;
        lock.lock();
        try {
            mustWait = failure == null && (overlaps(offset, end) || dispatch && inFlight.size() >= MAX_IN_FLIGHT);
        } finally {
            lock.unlock();
        }
        if (mustWait) {
            beforeWait.run();
        }
        lock.lock();
        try {
            while (failure == null && (overlaps(offset, end) || dispatch && inFlight.size() >= MAX_IN_FLIGHT)) {
                if (overlaps(offset, end)) {
                    overlapWaits++;
                }
                await();
            }
            rethrow();
            lastSeq = seq;
            if (!dispatch) {
                entry = null;
            } else {
                entry = new InFlight(seq, offset, end);
                inFlight.addLast(entry);
                dispatched++;
                running++;
            }
        } finally {
            lock.unlock();
        }
        if (entry == null) {
            try {
                inline.write(offset, data);
            } finally {
                release.run();
            }
            return;
        }
        try {
            appliers.execute(() -> apply(entry, offset, data, release));
        } catch (RejectedExecutionException e) {
            finish(entry, new IOException("standby shutting down: write seq " + seq + " not applied"));
            release.run();
            rethrowNow();
        }
    }

    private void apply(InFlight entry, long offset, ByteBuffer data, Runnable release) {
        IOException error = null;
        try {
            target.write(offset, data);
        } catch (IOException e) {
            error = e;
        } catch (RuntimeException e) {
            error = new IOException("applying write seq " + entry.seq + " failed: " + e, e);
        } finally {
            release.run();
        }
        finish(entry, error);
        onApplied.run();
    }

    private void finish(InFlight entry, IOException error) {
        lock.lock();
        try {
            running--;
            if (error != null) {
                if (failure == null) {
                    failure = error;
                }
            } else {
                entry.done = true;
                while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
                    inFlight.pollFirst();
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Frame {@code seq} needed no apply (or the reader applied it itself after a {@link #drain}). */
    void done(long seq) throws IOException {
        lock.lock();
        try {
            rethrow();
            lastSeq = seq;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every write handed over so far is applied; throws the first failure. */
    void drain() throws IOException {
        boolean mustWait;
        lock.lock();
        try {
            mustWait = failure == null && !inFlight.isEmpty();
        } finally {
            lock.unlock();
        }
        if (mustWait) {
            beforeWait.run();
        }
        lock.lock();
        try {
            while (failure == null && !inFlight.isEmpty()) {
                await();
            }
            rethrow();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no write is in flight, failed or not, without throwing: the link ends and lets go of the replica. */
    void quiesce() {
        lock.lock();
        try {
            boolean interrupted = false;
            while (running > 0) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The highest sequence number such that it and every frame before it are applied. */
    long appliedThrough() {
        lock.lock();
        try {
            InFlight first = inFlight.peekFirst();
            return first == null ? lastSeq : first.seq - 1;
        } finally {
            lock.unlock();
        }
    }

    /** Large writes handed to the pool so far, and how often a write waited for an overlapping one. */
    String describe() {
        lock.lock();
        try {
            return dispatched + " writes applied in parallel, " + overlapWaits + " waits for an overlapping write";
        } finally {
            lock.unlock();
        }
    }

    private boolean overlaps(long from, long to) {
        if (inFlight.isEmpty()) {
            return false; // the usual case of small writes: no iterator
        }
        long start = from / align * align;
        long end = (to + align - 1) / align * align;
        for (InFlight e : inFlight) {
            if (!e.done && e.start < end && start < e.end) {
                return true;
            }
        }
        return false;
    }

    private void await() throws InterruptedIOException {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the replica's writes");
        }
    }

    private void rethrow() throws IOException {
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    private void rethrowNow() throws IOException {
        lock.lock();
        try {
            rethrow();
        } finally {
            lock.unlock();
        }
    }
}
