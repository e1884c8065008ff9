package org.understudy.replica;

import org.understudy.replication.IdentityMessage;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.VolumeIdentity;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.LinkState;
import org.understudy.replication.Frame;
import org.understudy.replication.FrameChannel;
import org.understudy.replication.FrameFlags;
import org.understudy.replication.FrameType;
import org.understudy.replication.AuthenticationException;
import org.understudy.replication.HandshakeMessages;
import org.understudy.replication.HandshakeMessages.Hello;
import org.understudy.replication.HandshakeMessages.Proof;
import org.understudy.replication.LinkAuthenticator;
import org.understudy.replication.ProtocolException;
import org.understudy.replication.ServerHandshake;
import org.understudy.transport.StreamConnection;

/**
 * The standby's end of one replication link: handshake, then apply the primary's frames in sequence order (large
 * writes to disjoint ranges in parallel through an {@link ApplyPipeline}, overlapping ones in order) and answer with
 * cumulative ACKs (one per batch of frames already received, and one as each large write lands). Any protocol
 * violation closes this connection with a logged reason and leaves the replica as the last good frames left it. Runs
 * on its own thread ({@link #run}); {@link #close} may be called from any thread.
 */
final class ReplicaSession implements Runnable {
    private static final Logger LOG = LogManager.getLogger(ReplicaSession.class);

    private final ClusterConfig cluster;
    private final ReplicaStore store;
    private final ReplicaOptions options;
    private final StreamConnection connection;
    private final ScheduledExecutorService timer;
    private final FenceStore fences;
    private final LinkActivity activity;
    private final String remote;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String name = "?/?";
    private volatile String primaryName;
    private volatile Replica replica;
    private volatile LinkState state = LinkState.CONNECTING;
    private volatile Instant since;
    private volatile String detail;
    private static final int ACK_EVERY_FRAMES = 64;
    private static final long ACK_EVERY_BYTES = 8L << 20;
    private FrameChannel frames;
    private final org.understudy.transport.BufferPool payloads;
    private final java.util.concurrent.Executor appliers;
    private LinkAcks acks;
    private long expectedSeq = 1;
    private volatile VolumeIdentity primaryIdentity;
    private final SnapshotHooks hooks;
    private int version;
    /** A resync began on a consistent replica and no write of it landed yet: a pre-resync snapshot is due first. */
    private boolean resyncTargetPending;

    ReplicaSession(ClusterConfig cluster, ReplicaStore store, ReplicaOptions options, StreamConnection connection,
                   ScheduledExecutorService timer, FenceStore fences, LinkActivity activity, SnapshotHooks hooks,
                   org.understudy.transport.BufferPool payloads, java.util.concurrent.Executor appliers) {
        this.payloads = payloads;
        this.appliers = appliers;
        this.hooks = hooks;
        this.fences = fences;
        this.activity = activity;
        this.cluster = cluster;
        this.store = store;
        this.options = options;
        this.connection = connection;
        this.timer = timer;
        this.remote = String.valueOf(connection.remoteAddress());
        this.since = options.wallClock().instant();
        this.detail = "handshake with " + remote;
    }

    String remote() {
        return remote;
    }

    Replica replica() {
        return replica;
    }

    /** The primary this link comes from, once its HELLO is read; null before. */
    String primaryName() {
        return primaryName;
    }

    LinkSnapshot snapshot() {
        return new LinkSnapshot(name.substring(0, name.indexOf('/')), name.substring(name.indexOf('/') + 1), state,
                since, detail);
    }

    @Override
    public void run() {
        ScheduledFuture<?> handshakeTimer = timer.schedule(
                () -> close("no complete handshake within " + options.handshakeTimeout().toMillis() + " ms"),
                options.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            frames = new FrameChannel(options.security().server(connection), payloads);
            Replica r = handshake();
            handshakeTimer.cancel(false);
            if (r == null) {
                return;
            }
            if (!r.attach(this, 10_000)) {
                fail("previous link of " + r + " did not stop within 10 s");
                return;
            }
            try {
                if (closed.get()) {
                    return;
                }
                replica = r;
                int flags = (r.consistent() ? FrameFlags.REPLICA_CONSISTENT : 0) | (r.fresh() ? FrameFlags.REPLICA_FRESH : 0);
                frames.write(FrameType.WELCOME, flags, 0, null);
                if (!exchangeIdentities(r)) {
                    return;
                }
                transition(LinkState.UP, "from " + remote);
                LOG.info("standby {} from {}: link up (replica consistent={}, fresh={})", name, remote,
                        r.consistent(), r.fresh());
                applyLoop(r);
            } finally {
                r.detach(this);
            }
        } catch (AuthenticationException e) {
            // on record (aggregated, one log line a minute per source) through the node's refused authentications
            activity.authenticationRefused(sourceAddress(), primaryName, e.getMessage());
            fail(e.getMessage(), false);
        } catch (ProtocolException e) {
            if (e instanceof org.understudy.replication.TruncatedFrameException) {
                closedByPeer("end of stream in the middle of a frame");
            }
            fail(e.getMessage());
        } catch (EOFException e) {
            closedByPeer("end of stream");
            end("primary closed the link");
        } catch (ClosedChannelException e) {
            end(detail == null ? "closed" : detail);
        } catch (IOException e) {
            if (closed.get()) {
                end(detail);
            } else {
                if (StreamConnection.isReset(e)) {
                    closedByPeer("connection reset");
                }
                fail("I/O error: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } catch (RuntimeException e) {
            LOG.error("standby {} from {}: unexpected failure, closing the link", name, remote, e);
            fail("internal error: " + e);
        } finally {
            handshakeTimer.cancel(false);
            closeQuietly();
        }
    }

    private Replica handshake() throws IOException {
        ServerHandshake hs = new ServerHandshake(new LinkAuthenticator(cluster.secrets().clusterKey(), options.random()),
                cluster.standby().name(), options.maxFrame());
        Frame f = expect(FrameType.HELLO);
        Hello hello = Hello.decode(f.payload());
        name = hello.primary() + "/" + hello.volume();
        primaryName = hello.primary();
        frames.write(FrameType.CHALLENGE, 0, 0, hs.onHello(hello).encode());
        f = expect(FrameType.PROOF);
        hs.onProof(Proof.decode(f.payload()));
        Optional<PrimaryConfig> p = cluster.primary(hello.primary());
        Optional<VolumeConfig> v = p.flatMap(pc -> pc.volume(hello.volume()));
        String refusal = null;
        if (p.isEmpty()) {
            refusal = "unknown primary '" + hello.primary() + "'";
        } else if (v.isEmpty()) {
            refusal = "primary " + hello.primary() + " has no volume '" + hello.volume() + "'";
        } else if (v.get().size() != hello.size()) {
            refusal = "volume size " + hello.size() + " does not match the configured " + v.get().size();
        } else if (fences.fenced(hello.primary())) {
            FenceStore.Fence fence = fences.fence(hello.primary()).orElseThrow();
            refusal = "fenced at epoch " + fence.epoch() + " since " + fence.since() + ": " + fence.reason()
                    + "; the standby holds newer data, an operator must fail back or clear the fence";
        }
        Replica r = refusal == null ? store.replica(hello.primary(), hello.volume()) : null;
        if (refusal == null && r == null) {
            refusal = "no replica open for " + name;
        }
        if (refusal != null) {
            fail(refusal);
            return null;
        }
        frames.maxPayload(hs.maxFrame());
        version = hs.version();
        LOG.info("standby {} from {}: authenticated, protocol {}, max frame {} bytes", name, remote, hs.version(),
                hs.maxFrame());
        return r;
    }

    /**
     * Protocol 2: the primary's IDENTITY, then ours. A primary at an older epoch than the replica's is fenced: refused
     * with a logged reason before it can apply anything.
     */
    private boolean exchangeIdentities(Replica r) throws IOException {
        IdentityMessage theirs = IdentityMessage.decode(expect(FrameType.IDENTITY).payload());
        VolumeIdentity mine = r.identity();
        if (!mine.acceptsWritesFrom(theirs.identity().epoch())) {
            fail("fenced: primary epoch " + theirs.identity().epoch() + " is older than the replica's epoch "
                    + mine.epoch());
            activity.staleEpoch(r.primary(), r.volume().name(), theirs.identity().epoch(), mine.epoch());
            return false;
        }
        primaryIdentity = theirs.identity();
        frames.write(FrameType.IDENTITY, 0, 0, new IdentityMessage(mine, BitmapInfo.NONE).encode());
        LOG.info("standby {}: identities exchanged: primary {}; replica {}", name, theirs.identity().describe(),
                mine.describe());
        return true;
    }

    /** The epoch of the attached primary (0 before its IDENTITY arrived). */
    long primaryEpoch() {
        VolumeIdentity id = primaryIdentity;
        return id == null ? 0 : id.epoch();
    }

    private Frame expect(FrameType type) throws IOException {
        Frame f = frames.read();
        if (f.type() == FrameType.ERROR) {
            throw new ProtocolException("primary reported: " + HandshakeMessages.errorText(f.payload()));
        }
        if (f.type() != type) {
            throw new ProtocolException("expected " + type + ", got " + f.type());
        }
        return f;
    }

    private void applyLoop(Replica r) throws IOException {
        Replica.Applier applier = r.applier();
        // before the reader waits for an applier it applies what it holds back and lets go of the writer gate: an
        // applier may need that gate, behind a cut of the standby's own that waits for the reader's batch
        acks = new LinkAcks(frames, why -> {
            if (!closed.get()) {
                end(why);
            }
        });
        ApplyPipeline p = new ApplyPipeline(r::writeAlone, applier::write, appliers, acks::fromApplier,
                applier::commit, r.snapshots().chunkSize());
        acks.pipeline(p);
        try {
            applyLoop(r, applier, p);
        } finally {
            // nothing of this link lands after it let go of the replica (a fence waits for that)
            p.quiesce();
            // writes not yet committed were never acknowledged: the primary still counts them dirty
            applier.discard();
            LOG.debug("standby {}: link's apply pipeline: {}; {}", name, p.describe(), r.writer().describeCommits());
        }
    }

    private void applyLoop(Replica r, Replica.Applier applier, ApplyPipeline p) throws IOException {
        long size = r.volume().size();
        int unacked = 0;
        long unackedBytes = 0;
        while (!closed.get()) {
            // the frame stays in the channel (its fields and payload read from there): no object per frame
            FrameType type = frames.next();
            long seq = frames.seq();
            if (type == FrameType.ERROR) {
                end("primary closed the link: " + HandshakeMessages.errorText(frames.payload()));
                return;
            }
            if (!type.sequenced()) {
                throw new ProtocolException(type + " frame not allowed from a primary after the handshake");
            }
            if (fences.fenced(r.primary())) {
                // a frame read just before the fence was raised must not land on a replica the standby now serves
                throw new ProtocolException("fenced at epoch " + fences.fence(r.primary()).map(FenceStore.Fence::epoch)
                        .orElse(0L) + ": frame seq " + seq + " refused");
            }
            activity.heard(r.primary());
            if (seq != expectedSeq) {
                throw new ProtocolException("frame out of sequence: expected seq " + expectedSeq + ", got "
                        + seq + " (" + type + ")");
            }
            boolean force = frames.has(FrameFlags.FUA);
            boolean handed = false;
            long offset = frames.offset();
            long length = frames.length();
            ByteBuffer payload = frames.payload();
            switch (type) {
                case WRITE -> {
                    ReplicaAnswers.checkRange(type, seq, offset, length, size);
                    beforeData(r, applier, p);
                    if (force) {
                        p.drain();
                        applier.write(offset, payload);
                        if (frames.owned()) {
                            frames.release(payload);
                        }
                    } else if (frames.owned() && ApplyPipeline.PARALLEL) {
                        if (applier.pending()) {
                            applier.commit(); // held-back writes land before a later one that may overlap them
                        }
                        p.write(seq, offset, payload, true, () -> frames.release(payload));
                        handed = true;
                    } else {
                        p.write(seq, offset, payload, false, NOTHING_TO_RELEASE);
                        handed = true;
                    }
                }
                case ZERO -> {
                    ReplicaAnswers.checkRange(type, seq, offset, length, size);
                    beforeData(r, applier, p);
                    p.drain();
                    applier.zero(offset, length);
                }
                case FLUSH -> force = true;
                case SYNC_BEGIN -> {
                    p.drain();
                    applier.commit();
                    resyncTargetPending = r.pristine();
                    LOG.info("standby {}: full sync begins at seq {}; replica marked inconsistent", name, seq);
                    r.beginSync();
                }
                case SYNC_END -> {
                    p.drain();
                    applier.commit();
                    r.endSync(primaryIdentity);
                    acks.durable(seq);
                    resyncTargetPending = false;
                    LOG.info("standby {}: full sync complete at seq {}; replica forced and marked consistent",
                            name, seq);
                    hooks.resyncEnded(r);
                }
                // the primary sends KEEPALIVEs only on an idle link: a buffer grown for a burst of large frames goes
                case KEEPALIVE -> frames.releaseIdleBuffer();
                case PROBE -> { }
                case SNAPSHOT -> {
                    if (version < 3) {
                        throw new ProtocolException("SNAPSHOT frame on a link at protocol " + version);
                    }
                    p.drain();
                    applier.commit();
                    hooks.cutReached(r, offset);
                }
                case READ -> {
                    ReplicaAnswers.checkRead(frames, seq, offset, length, size);
                    p.drain();
                    applier.commit();
                    ReplicaAnswers.read(frames, r, seq, offset, length);
                }
                case DIGEST -> {
                    int region = ReplicaAnswers.checkDigest(seq, offset, length, size, payload);
                    p.drain();
                    applier.commit();
                    frames.write(FrameType.DIGEST_DATA, 0, seq, r.digest(offset, length, region));
                }
                default -> throw new ProtocolException(type + " frame not allowed from a primary");
            }
            if (force) {
                // FUA and FLUSH: everything before this frame applied, then forced, before it is acknowledged
                p.drain();
                applier.commit();
                r.force();
                acks.durable(seq);
            }
            if (!handed) {
                p.done(seq);
            }
            if (!applier.pending()) {
                acks.readerApplied(seq);
            }
            expectedSeq++;
            unacked++;
            unackedBytes += length;
            // one cumulative ACK per batch: while more input is already waiting, apply it first (bounded, so a
            // continuous stream still gets timely ACKs); durability points are acknowledged at once. The writes held
            // back for a snapshot's preservations are applied before the ACK says so
            if (force || unacked >= ACK_EVERY_FRAMES || unackedBytes >= ACK_EVERY_BYTES || !frames.inputWaiting()) {
                applier.commit();
                acks.readerApplied(seq);
                acks.send();
                unacked = 0;
                unackedBytes = 0;
            }
        }
    }

    /**
     * Before the first data frame of a resync over a consistent replica: the snapshot service keeps the replica's
     * last consistent state first (every earlier write applied, none of the resync's yet).
     */
    private void beforeData(Replica r, Replica.Applier applier, ApplyPipeline p) throws IOException {
        if (resyncTargetPending) {
            resyncTargetPending = false;
            p.drain();
            applier.commit();
            hooks.beforeResyncTarget(r);
        }
    }

    /** Tells the health engine, once the primary is known and unless this side closed the link itself. */
    private void closedByPeer(String how) {
        String primary = primaryName;
        if (primary != null && !closed.get()) {
            activity.closedByPeer(primary, name.substring(name.indexOf('/') + 1), how);
        }
    }

    /** A small write's payload is a view of the channel's read buffer: nothing to give back. */
    private static final Runnable NOTHING_TO_RELEASE = () -> { };

    /** Closes the connection from any thread, logging {@code reason}. */
    void close(String reason) {
        if (closed.compareAndSet(false, true)) {
            transition(LinkState.DOWN, reason);
            LOG.warn("standby {} from {}: closing link: {}", name, remote, reason);
            closeQuietly();
        }
    }

    private void fail(String reason) {
        fail(reason, true);
    }

    private void fail(String reason, boolean warn) {
        if (closed.compareAndSet(false, true)) {
            transition(LinkState.DOWN, reason);
            if (warn) {
                LOG.warn("standby {} from {}: closing link: {}", name, remote, reason);
            } else {
                LOG.debug("standby {} from {}: closing link: {}", name, remote, reason);
            }
            try {
                if (frames != null) {
                    frames.write(FrameType.ERROR, 0, 0, HandshakeMessages.errorPayload(reason));
                }
            } catch (IOException | RuntimeException ignored) {
                // best effort: the peer may already be gone
            }
            closeQuietly();
        }
    }

    private void end(String reason) {
        if (closed.compareAndSet(false, true)) {
            transition(LinkState.DOWN, reason);
            LOG.info("standby {} from {}: link down: {}", name, remote, reason);
            closeQuietly();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    private void transition(LinkState s, String why) {
        state = s;
        detail = why;
        since = options.wallClock().instant();
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (IOException ignored) {
            // closing: nothing more to do
        }
    }
    /** The peer's address without its port, as refused authentications are counted. */
    private String sourceAddress() {
        return connection.remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : remote;
    }
}
