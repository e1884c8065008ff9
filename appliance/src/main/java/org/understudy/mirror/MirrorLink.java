package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.replication.FrameChannel;
import org.understudy.replication.FrameCodec;
import org.understudy.replication.FrameFlags;
import org.understudy.replication.FrameType;
import org.understudy.replication.HandshakeMessages;
import org.understudy.replication.ProtocolException;
import org.understudy.transport.FreeList;
import org.understudy.transport.OutputBatch;
import org.understudy.transport.StreamConnection;

/**
 * One authenticated connection to the standby, carrying one volume: assigns sequence numbers, pipelines frames through
 * one sender at a time (see {@link #pump()}; it batches many frames into one gathering socket write) and completes them
 * from one ACK-reader thread as cumulative ACKs arrive. An ack timeout, an I/O error or a protocol error kills the link once: every
 * pending frame completes with {@code false} and the {@link Listener} hears why. Thread-safe.
 */
final class MirrorLink {
    private static final Logger LOG = LogManager.getLogger(MirrorLink.class);
    private static final int MAX_BATCH = 512;
    /** Answered pooled frames kept for reuse: more than a link ever has in flight at the usual queue depths. */
    private static final int MAX_FREE = 1024;

    /** Told once when the link dies. */
    interface Listener {
        void linkDown(MirrorLink link, String reason);
    }

    private final String name;
    private final String remote;
    private final StreamConnection channel;
    private final FrameChannel frames;
    private final int maxFrame;
    private final long ackTimeoutNanos;
    private final LongSupplier clock;
    private final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final List<Outbound> batch = new ArrayList<>(MAX_BATCH);
    /** Writes each batch on the socket; only the sender (holding {@link #sendLock}) touches it. */
    private final BatchWriter writer;
    private final ArrayDeque<Outbound> toSend = new ArrayDeque<>();
    private final ArrayDeque<Outbound> unacked = new ArrayDeque<>();
    /** Pooled frames answered and ready for the next client write. */
    private final FreeList<Outbound> free = new FreeList<>(MAX_FREE, Outbound::pooled);
    /** The frames one ACK completes; only the ACK reader touches it. */
    private final ArrayList<Outbound> acked = new ArrayList<>();
    /** The ACK reader's batch: the client replies of the writes one ACK completes leave together when it ends. */
    private final OutputBatch completions = new OutputBatch();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final boolean replicaFresh;
    private final boolean replicaConsistent;
    private long nextSeq = 1;
    private volatile long ackedSeq;
    private volatile String downReason;
    private ScheduledFuture<?> watchdog;
    private long framesOut;
    private volatile long acksReceived;
    private final TrafficCounters counters;

    MirrorLink(String name, StreamConnection channel, FrameChannel frames, int maxFrame, int welcomeFlags,
               long ackTimeoutNanos, LongSupplier clock, TrafficCounters counters, Listener listener) {
        this.counters = counters;
        this.name = name;
        this.remote = String.valueOf(channel.remoteAddress());
        this.channel = channel;
        this.writer = new BatchWriter(channel, MAX_BATCH);
        this.frames = frames;
        this.maxFrame = maxFrame;
        this.replicaFresh = (welcomeFlags & FrameFlags.REPLICA_FRESH) != 0;
        this.replicaConsistent = (welcomeFlags & FrameFlags.REPLICA_CONSISTENT) != 0;
        this.ackTimeoutNanos = ackTimeoutNanos;
        this.clock = clock;
        this.listener = listener;
    }

    /** Starts the ACK reader and the ack-timeout watchdog; queued frames go out at the next {@link #pump()}. */
    void start(ScheduledExecutorService scheduler) {
        Thread reader = new Thread(this::ackLoop, "mirror-ack-" + name);
        reader.setDaemon(true);
        long period = Math.max(10, TimeUnit.NANOSECONDS.toMillis(ackTimeoutNanos) / 4);
        watchdog = scheduler.scheduleAtFixedRate(this::checkAckTimeout, period, period, TimeUnit.MILLISECONDS);
        reader.start();
    }

    int maxFrame() {
        return maxFrame;
    }

    private volatile org.understudy.replication.IdentityMessage peer;

    /** The standby's IDENTITY from the handshake: its replica's generations and epoch. */
    org.understudy.replication.IdentityMessage peer() {
        return peer;
    }

    void peer(org.understudy.replication.IdentityMessage p) {
        peer = p;
    }

    private volatile int version = org.understudy.replication.FrameCodec.MIN_VERSION;

    /** The protocol version the handshake settled on. */
    int version() {
        return version;
    }

    void version(int v) {
        version = v;
    }

    boolean replicaFresh() {
        return replicaFresh;
    }

    boolean replicaConsistent() {
        return replicaConsistent;
    }

    boolean isDead() {
        return dead.get();
    }

    String downReason() {
        return downReason;
    }

    String remote() {
        return remote;
    }

    /**
     * Queues a frame; returns null if the link is dead. {@code payload} (may be null) is sent as is, without a copy,
     * and must stay unchanged until the returned frame completes. The payload CRC is computed here, before the lock,
     * so concurrent writers checksum in parallel.
     */
    Outbound enqueue(FrameType type, int flags, long offset, long length, ByteBuffer payload, boolean clientWrite) {
        return enqueue(type, flags, offset, length, payload, clientWrite, null);
    }

    /**
     * Queues a request the standby answers (READ, DIGEST): {@code reply} completes with a copy of the answer's
     * payload, or with null if the link dies first. Returns null (and completes {@code reply} with null) if the
     * link is dead. The caller pumps.
     */
    Outbound request(FrameType type, long offset, long length, ByteBuffer payload,
                     java.util.concurrent.CompletableFuture<ByteBuffer> reply) {
        Outbound o = enqueue(type, 0, offset, length, payload, false, reply);
        if (o == null) {
            reply.complete(null);
        }
        return o;
    }

    private final java.util.concurrent.ConcurrentHashMap<Long, java.util.concurrent.CompletableFuture<ByteBuffer>>
            replies = new java.util.concurrent.ConcurrentHashMap<>();

    private Outbound enqueue(FrameType type, int flags, long offset, long length, ByteBuffer payload,
                             boolean clientWrite, java.util.concurrent.CompletableFuture<ByteBuffer> reply) {
        Outbound o = Outbound.awaited();
        int payloadLength = 0;
        int payloadAt = 0;
        if (payload != null) {
            payloadLength = payload.remaining();
            payloadAt = payload.position();
            o.crc.update(payload.duplicate());
        }
        o.set(type, flags, offset, length, payload, payloadAt, payloadLength, clientWrite, null);
        lock.lock();
        try {
            if (dead.get()) {
                return null;
            }
            long seq = nextSeq++;
            if (reply != null) {
                replies.put(seq, reply); // before anyone can send it: the answer may come back at once
            }
            queue(o, seq);
            return o;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a client WRITE frame of {@code data}'s bytes {@code [at, at + length)} at {@code offset}, in a frame the
     * link reuses, and returns true; {@code listener} (may be null) is told once when the standby answers. Returns
     * false if the link is dead (the listener is then never told). The CRC is computed here, before the lock, so
     * concurrent writers checksum in parallel; for that {@code data}'s position moves during the call and is put back,
     * so no other thread may use {@code data} meanwhile. Its bytes must stay unchanged until the frame is answered.
     */
    boolean sendWrite(int flags, long offset, ByteBuffer data, int at, int length, Outbound.Listener listener) {
        Outbound o = free.take();
        FrameCodec.update(o.crc, data, at, length);
        o.set(FrameType.WRITE, flags, offset, length, data, at, length, true, listener);
        lock.lock();
        try {
            if (!dead.get()) {
                queue(o, nextSeq++);
                return true;
            }
        } finally {
            lock.unlock();
        }
        free.giveBack(o.recycle());
        return false;
    }

    /** Under {@link #lock}: numbers {@code o} and queues it for the sender and for its ACK. */
    private void queue(Outbound o, long seq) {
        o.seq = seq;
        o.enqueuedAt = clock.getAsLong();
        unacked.addLast(o);
        toSend.addLast(o);
    }

    /**
     * Sends whatever is queued, unless another thread is already sending (it will pick our frames up). Callers pump
     * after queuing, outside their range locks: the caller that finds the link idle becomes its one sender for a
     * while and combines every queued frame into gathering writes, which saves a thread hand-off per write.
     */
    void pump() {
        while (!dead.get()) {
            if (!sendLock.tryLock()) {
                return;
            }
            try {
                sendQueued();
            } finally {
                sendLock.unlock();
            }
            // a frame queued after our last look, by a thread whose tryLock failed, is ours to send
            lock.lock();
            try {
                if (toSend.isEmpty()) {
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void sendQueued() {
        try {
            while (!dead.get()) {
                lock.lock();
                try {
                    while (!toSend.isEmpty() && batch.size() < MAX_BATCH) {
                        batch.add(toSend.pollFirst());
                    }
                } finally {
                    lock.unlock();
                }
                if (batch.isEmpty()) {
                    return;
                }
                long payload = writer.write(batch);
                counters.framesSent.addAndGet(batch.size());
                framesOut += batch.size();
                counters.payloadBytesSent.addAndGet(payload);
                batch.clear();
            }
        } catch (IOException e) {
            kill("send failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("mirror {}: sending failed", name, e);
            kill("sending failed: " + e);
        } finally {
            batch.clear();
            writer.reset();
        }
    }

    private void ackLoop() {
        try {
            while (!dead.get()) {
                FrameType type = frames.next();
                switch (type) {
                    case ACK -> onAck(frames.seq());
                    case READ_DATA, DIGEST_DATA -> {
                        var reply = replies.remove(frames.seq());
                        if (reply == null) {
                            throw new ProtocolException(type + " for seq " + frames.seq() + " that asked for nothing");
                        }
                        ByteBuffer copy = ByteBuffer.allocate(frames.payload().remaining());
                        copy.put(frames.payload().duplicate()).flip();
                        reply.complete(copy);
                    }
                    case ERROR -> {
                        kill("standby closed the link: " + HandshakeMessages.errorText(frames.payload()));
                        return;
                    }
                    default -> throw new ProtocolException("unexpected " + type + " frame from the standby");
                }
            }
        } catch (IOException e) {
            kill(e instanceof ProtocolException ? e.getMessage() : "link lost: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("mirror {}: ack reader failed", name, e);
            kill("ack reader failed: " + e);
        }
    }

    private void onAck(long seq) throws ProtocolException {
        lock.lock();
        try {
            if (seq < ackedSeq || seq >= nextSeq) {
                throw new ProtocolException("ACK for seq " + seq + " outside the window " + ackedSeq + ".."
                        + (nextSeq - 1));
            }
            while (!unacked.isEmpty() && unacked.peekFirst().seq <= seq) {
                acked.add(unacked.pollFirst());
            }
            ackedSeq = seq;
            acksReceived++;
        } finally {
            lock.unlock();
        }
        long bytes = 0;
        int writes = 0;
        for (int i = 0; i < acked.size(); i++) {
            Outbound o = acked.get(i);
            if (o.clientWrite) {
                bytes += o.length;
                writes++;
            }
        }
        if (writes > 0) {
            counters.bytesAcked.addAndGet(bytes);
            counters.writesAcked.addAndGet(writes);
        }
        try (OutputBatch replies = completions.open()) {
            for (int i = 0; i < acked.size(); i++) {
                finish(acked.get(i), true);
            }
        } finally {
            acked.clear();
        }
    }

    /** Tells whoever waits for {@code o}, then gives a pooled frame back for the next write. */
    private void finish(Outbound o, boolean ok) {
        finish(o, ok, true);
    }

    /**
     * Tells whoever waits for {@code o}; an answered pooled frame goes back for the next write if {@code reuse}. The
     * frames of a dying link are not reused: its sender may still hold them in the batch it was building.
     */
    private void finish(Outbound o, boolean ok, boolean reuse) {
        try {
            o.complete(ok);
        } finally {
            if (reuse && o.isPooled()) {
                free.giveBack(o.recycle());
            }
        }
    }

    private void checkAckTimeout() {
        long now = clock.getAsLong();
        long oldestSeq;
        long oldestAt;
        lock.lock();
        try {
            // read under the lock: an answered pooled frame is reused at once
            Outbound oldest = unacked.peekFirst();
            if (oldest == null) {
                return;
            }
            oldestSeq = oldest.seq;
            oldestAt = oldest.enqueuedAt;
        } finally {
            lock.unlock();
        }
        if (now - oldestAt > ackTimeoutNanos) {
            kill(String.format("no ACK for seq %d within %d ms (last acked seq %d, %d frames pending)", oldestSeq,
                    TimeUnit.NANOSECONDS.toMillis(now - oldestAt), ackedSeq, pendingCount()));
        }
    }

    int pendingCount() {
        lock.lock();
        try {
            return unacked.size();
        } finally {
            lock.unlock();
        }
    }

    long ackedSeq() {
        return ackedSeq;
    }

    /** Kills the link (idempotent): closes the connection, fails every pending frame, tells the listener. */
    void kill(String reason) {
        List<Outbound> orphans;
        lock.lock();
        try {
            if (!dead.compareAndSet(false, true)) {
                return;
            }
            downReason = reason;
            orphans = new ArrayList<>(unacked);
            replies.values().forEach(r -> r.complete(null));
            replies.clear();
            unacked.clear();
            toSend.clear();
        } finally {
            lock.unlock();
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closing
        }
        LOG.info("mirror {}: link to {} closed after {} frames in {} socket writes, {} ACKs; {} frames unacknowledged",
                name, remote, framesOut, writer.socketWrites(), acksReceived, orphans.size());
        // the volume is DEGRADED before any waiting writer learns its write was not replicated
        listener.linkDown(this, reason);
        for (Outbound o : orphans) {
            finish(o, false, false); // to the collector, not the pool: a sender may still be reading them
        }
    }
}
