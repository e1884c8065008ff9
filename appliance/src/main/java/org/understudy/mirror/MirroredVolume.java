package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.MirrorMode;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.model.ModelEvent;
import org.understudy.model.VerifySummary;
import org.understudy.model.VolumeSnapshot;
import org.understudy.model.AlarmKind;
import org.understudy.replication.FrameFlags;
import org.understudy.replication.IdentityMessage;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.ResyncDecision;
import org.understudy.resync.ResyncDecisionTable;
import org.understudy.resync.ThrottleSet;
import org.understudy.replication.FrameType;
import org.understudy.replication.LinkAuthenticator;
import org.understudy.storage.BlockDevice;
import org.understudy.storage.FileBlockDevice;

/**
 * A primary volume mirrored synchronously to the standby: a {@link BlockDevice} over the local device whose writes
 * return only after the local write and the standby's ACK of that write. When the standby is unreachable the volume
 * keeps serving locally (DEGRADED, logged) and reconnects in the background with backoff; every (re)connect copies
 * what the {@link ResyncPlanner} says (for now the whole volume) while clients keep writing.
 *
 * <pre>
 *   INCONSISTENT ──connect──▶ SYNCING ──SYNC_END acked──▶ IN_SYNC
 *        │                     │  ▲                          │
 *        └──unreachable──▶ DEGRADED ◀──link lost─────────────┘
 *                              └──reconnect──▶ SYNCING
 * </pre>
 * Thread-safe: the NBD server calls it from many threads; state changes are synchronized on the volume.
 */
public final class MirroredVolume implements BlockDevice {
    private static final Logger LOG = LogManager.getLogger(MirroredVolume.class);
    private static final Map<MirrorState, Set<MirrorState>> ALLOWED = new EnumMap<>(Map.of(
            MirrorState.INCONSISTENT, EnumSet.of(MirrorState.SYNCING, MirrorState.DEGRADED),
            MirrorState.SYNCING, EnumSet.of(MirrorState.IN_SYNC, MirrorState.DEGRADED),
            MirrorState.IN_SYNC, EnumSet.of(MirrorState.DEGRADED),
            MirrorState.DEGRADED, EnumSet.of(MirrorState.SYNCING)));

    private final String name;
    private final String primary;
    private final String standbyName;
    private final VolumeConfig volume;
    private final BlockDevice local;
    private final MirrorOptions options;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final LinkConnector connector;
    private final ResyncPlanner planner;
    private final RangeGuard guard = new RangeGuard();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final TrafficCounters counters = new TrafficCounters();
    private volatile MirrorLink link;
    private volatile ResyncDecision lastDecision;
    private volatile VerifySummary lastVerify = VerifySummary.NONE;
    private volatile FullSync sync;
    private volatile MirrorState state = MirrorState.INCONSISTENT;
    private volatile LinkState linkState = LinkState.CONNECTING;
    private volatile Instant linkSince;
    private volatile String linkDetail;
    private long backoffMillis;
    private int failedAttempts;
    private boolean closed;
    private ScheduledFuture<?> reconnect;
    private volatile java.util.function.Consumer<String> refusalListener = reason -> { };
    private final java.util.concurrent.CompletableFuture<LinkState> firstAttempt =
            new java.util.concurrent.CompletableFuture<>();

    /**
     * Dirty-bitmap housekeeping period: persists cleared bits and retires extents idle for a whole period. Long enough
     * that a random workload keeps its extents hot (no bitmap force per write); short enough that a crash resyncs
     * only what was written in the last few seconds.
     */
    private static final long FLUSH_SECONDS = 5;
    private final PrimaryIdentity identity;
    private final MirrorContext context;
    /** Monotonic start of the running resync, for its duration. */
    private long syncStartNanos;
    private final ThrottleSet.Link mirrorThrottle;
    private final ThrottleSet.Link resyncThrottle;
    private final AsyncBacklog backlog;
    private final boolean async;
    private ScheduledFuture<?> bitmapFlusher;

    private MirroredVolume(ClusterConfig cluster, PrimaryConfig primary, VolumeConfig volume, BlockDevice local,
                           MirrorOptions options, ResyncPlanner planner, PrimaryIdentity identity,
                           MirrorContext context) {
        this.identity = identity;
        this.context = context;
        this.mirrorThrottle = context.throttles().mirroring().link(primary.name());
        this.resyncThrottle = context.throttles().resync().link(primary.name());
        this.async = volume.mode() == MirrorMode.ASYNC;
        this.backlog = new AsyncBacklog(volume.mirror().asyncHighWater(), volume.mirror().asyncHardLimit(),
                options.clock());
        this.primary = primary.name();
        this.name = primary.name() + "/" + volume.name();
        this.standbyName = cluster.standby().name();
        this.volume = volume;
        this.local = local;
        this.options = options;
        this.planner = planner;
        this.ownScheduler = options.scheduler() == null;
        this.scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-timer-" + name);
            t.setDaemon(true);
            return t;
        }) : options.scheduler();
        Endpoint standby = options.standby() != null ? options.standby() : cluster.standby().replication();
        this.connector = new LinkConnector(standby, new LinkAuthenticator(cluster.secrets().clusterKey(),
                options.random()), options, scheduler);
        this.backoffMillis = options.reconnectInitial().toMillis();
        this.linkSince = options.wallClock().instant();
        this.linkDetail = "connecting to " + standby;
    }

    /**
     * Opens the volume's local file and starts connecting to the standby in the background; returns at once. The
     * volume serves I/O immediately (locally, DEGRADED, until a link is up).
     */
    public static MirroredVolume open(ClusterConfig cluster, PrimaryConfig primary, VolumeConfig volume,
                                      MirrorOptions options) throws IOException {
        return open(cluster, primary, volume, options, MirrorContext.standalone());
    }

    /**
     * Opens the volume with its persistent dirty bitmap and identity in the primary's state directory
     * ({@code volumes/NAME.bitmap}, {@code volumes/NAME.identity}): reconnects resync only what changed.
     */
    public static MirroredVolume open(ClusterConfig cluster, PrimaryConfig primary, VolumeConfig volume,
                                      MirrorOptions options, MirrorContext context) throws IOException {
        BlockDevice local = FileBlockDevice.open(volume.file(), volume.size(), primary.name() + "/" + volume.name());
        try {
            ResyncPlanner planner = BitmapPlanners.open(primary, volume, options.clock());
            return wrap(cluster, primary, volume, local, options, planner, context);
        } catch (IOException | RuntimeException e) {
            local.close();
            throw e;
        }
    }

    /** Mirrors an already open local device (which the volume then owns and closes). */
    public static MirroredVolume wrap(ClusterConfig cluster, PrimaryConfig primary, VolumeConfig volume,
                                      BlockDevice local, MirrorOptions options, ResyncPlanner planner)
            throws IOException {
        return wrap(cluster, primary, volume, local, options, planner, MirrorContext.standalone());
    }

    /** Mirrors an already open local device with the node's throttles and alarms. */
    public static MirroredVolume wrap(ClusterConfig cluster, PrimaryConfig primary, VolumeConfig volume,
                                      BlockDevice local, MirrorOptions options, ResyncPlanner planner,
                                      MirrorContext context) throws IOException {
        String n = primary.name() + "/" + volume.name();
        PrimaryIdentity id = PrimaryIdentity.open(n, PrimaryIdentity.path(primary.stateDir(), volume.name()),
                new java.security.SecureRandom());
        MirroredVolume v = new MirroredVolume(cluster, primary, volume, local, options, planner, id, context);
        if (planner instanceof BitmapPlanner bp) {
            v.bitmapFlusher = v.scheduler.scheduleWithFixedDelay(() -> {
                try {
                    bp.bitmap().flush();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("mirror {}: dirty bitmap flush failed: {}", n, e.toString());
                }
            }, FLUSH_SECONDS, FLUSH_SECONDS, TimeUnit.SECONDS);
        }
        v.scheduleConnect(0);
        return v;
    }

    @Override
    public long size() {
        return volume.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (volume.mirror().readBlocker()) {
            local.read(offset, dst);
            return;
        }
        int start = dst.position();
        try {
            local.read(offset, dst);
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
        MirrorLink l = link;
        if (l == null || state != MirrorState.IN_SYNC) {
            throw localError;
        }
        if (replicaReads.getAndIncrement() == 0) {
            LOG.error("mirror {}: local read failed ({}); read blocker off: serving reads from the replica", name,
                    localError.getMessage());
            raise(AlarmKind.STORAGE_ERROR, "local read error (" + localError.getMessage()
                    + "): reads served from the replica on standby " + standbyName);
            setLink(LinkState.UP, "to " + l.remote() + "; DEGRADED: reads served from the replica");
        }
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = Math.min(dst.remaining(), l.maxFrame());
            java.util.concurrent.CompletableFuture<ByteBuffer> reply = new java.util.concurrent.CompletableFuture<>();
            l.request(FrameType.READ, pos, n, null, reply);
            l.pump();
            ByteBuffer data;
            try {
                data = reply.get(options.ackTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw localError;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw localError;
            }
            if (data == null || data.remaining() != n) {
                throw localError;
            }
            dst.put(data);
            pos += n;
        }
    }

    private final java.util.concurrent.atomic.AtomicLong replicaReads = new java.util.concurrent.atomic.AtomicLong();

    /** Reads served from the replica because the local disk failed (read blocker off). */
    public long replicaReads() {
        return replicaReads.get();
    }

    /**
     * Compares the volume with its replica while I/O continues; mismatching regions are reported (VERIFY_MISMATCH
     * alarm), marked dirty and resynced at once (the link is restarted so the reconnect's incremental resync carries
     * them). One verify at a time per volume.
     *
     * @throws IllegalStateException when the volume is not in sync (nothing meaningful to compare)
     */
    public VerifyResult verify() throws IOException {
        if (!verifyLock.tryLock()) {
            throw new IllegalStateException(name + ": a verify is already running");
        }
        try {
            return verifyLocked();
        } finally {
            verifyLock.unlock();
        }
    }

    private final java.util.concurrent.locks.ReentrantLock verifyLock = new java.util.concurrent.locks.ReentrantLock();

    private VerifyResult verifyLocked() throws IOException {
        MirrorLink l = link;
        if (l == null || state != MirrorState.IN_SYNC || !(planner instanceof BitmapPlanner bp)) {
            throw new IllegalStateException(name + " is " + state + ": verify needs the replica in sync");
        }
        VerifyResult r = OnlineVerify.run(local, guard, l, bp, volume.size(), bp.bitmap().regionSize(),
                options.clock(), options.ackTimeout().toNanos() * 4);
        lastVerify = new VerifySummary(options.wallClock().instant(), r.regionsCompared(), r.mismatches(), r.summary());
        if (r.mismatches() > 0) {
            LOG.error("mirror {}: online verify: {}", name, r.summary());
            raise(AlarmKind.VERIFY_MISMATCH, r.summary());
            context.events().accept(new ModelEvent.VerifyMismatch(options.wallClock().instant(), primary, volume.name(),
                    r.mismatches(), r.regionsCompared()));
            l.kill("online verify found " + r.mismatches() + " mismatching region(s): resyncing them");
        } else {
            LOG.info("mirror {}: online verify: {} ({} regions skipped while in flight)", name, r.summary(),
                    r.skipped());
            clear(AlarmKind.VERIFY_MISMATCH, "verify found no mismatch");
        }
        return r;
    }

    /** Measures round trip and throughput of this volume's link to the standby. */
    public LinkTestResult linkTest() throws IOException {
        MirrorLink l = link;
        if (l == null) {
            throw new IllegalStateException(name + ": no link to the standby (" + linkDetail + ")");
        }
        return LinkProbe.run(l, options.clock(), options.ackTimeout().toNanos());
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        int len = src.remaining();
        mirrored(offset, len, l -> enqueueWrite(l, offset, async ? copy(src) : src.duplicate(), fua),
                () -> local.write(offset, src, fua));
    }

    /** Writes wait for the standby's ACK on the link's thread, not the caller's. */
    @Override
    public boolean completesWritesLater() {
        return true;
    }

    /**
     * The same write, but the calling thread goes on once the local half is done and the frame is on the wire; the
     * standby's ACK completes it on the link's ACK thread. Nothing is acknowledged earlier than {@link #write} would.
     */
    @Override
    public void writeAsync(long offset, ByteBuffer src, boolean fua, WriteCallback callback) {
        int len = src.remaining();
        Pending p;
        try {
            p = begin(offset, len, l -> enqueueWrite(l, offset, async ? copy(src) : src.duplicate(), fua),
                    () -> local.write(offset, src, fua));
        } catch (IOException | RuntimeException e) {
            callback.done(e);
            return;
        }
        if (p == null) {
            callback.done(null);
        } else if (async || p.last() == null) {
            settle(p);
            if (async) {
                recordLatency(p);
            }
            callback.done(p.failure());
        } else {
            p.last().done.whenComplete((ok, ex) -> {
                settle(p, Boolean.TRUE.equals(ok));
                callback.done(p.failure());
            });
        }
    }

    private static ByteBuffer copy(ByteBuffer src) {
        // async: the client's buffer is reused once we return, long before the standby has the frame
        ByteBuffer c = ByteBuffer.allocate(src.remaining());
        c.put(src.duplicate()).flip();
        return c;
    }

    /** How a request travels to the standby on link {@code l}: returns its last frame, or null if the link died. */
    @FunctionalInterface
    private interface Ship {
        Outbound send(MirrorLink l);
    }

    /** The local half of a request. */
    @FunctionalInterface
    private interface LocalOp {
        void run() throws IOException;
    }

    /** A modification under way: its local half done (or failed), its last frame (if any) on the wire. */
    private record Pending(MirrorLink link, Outbound last, boolean reserved, long offset, long length,
                           Throwable failure, long startNanos) {
    }

    /**
     * One mirrored modification, waited for: see {@link #begin}. Sync mode returns after the standby's ACK; async mode
     * returns at once and clears the bitmap when the ACK comes.
     */
    private void mirrored(long offset, long len, Ship ship, LocalOp op) throws IOException {
        Pending p = begin(offset, len, ship, op);
        if (p == null) {
            return;
        }
        if (async || p.last() == null) {
            settle(p);
            if (async) {
                recordLatency(p);
            }
        } else {
            settle(p, p.last().done.join());
        }
        if (p.failure() instanceof IOException io) {
            throw io;
        } else if (p.failure() != null) {
            throw (RuntimeException) p.failure();
        }
    }

    /**
     * Starts one mirrored modification: marked in the dirty bitmap first (durably), throttled, then under its range
     * guard queued to the standby (unless the link is down or an async backlog is full) and applied locally; the
     * frame is pumped before the local write, so the standby's round trip overlaps the local I/O. Returns null for an
     * empty range (done locally). A failure of the local half is carried in the result, not thrown: the frame may
     * already be on its way and must be settled either way.
     */
    private Pending begin(long offset, long len, Ship ship, LocalOp op) throws IOException {
        long t0 = options.clock().getAsLong();
        check(offset, len);
        if (len == 0) {
            op.run();
            return null;
        }
        planner.beforeWrite(offset, len);
        if (link != null) {
            throttle(len);
            if (async) {
                backlog.awaitBelowHighWater(options.ackTimeout().toNanos());
            }
        }
        Outbound last = null;
        MirrorLink l = null;
        boolean reserved = false;
        Throwable failure = null;
        RangeGuard.Range r;
        try {
            r = guard.acquire(offset, len);
        } catch (IOException e) {
            planner.markUnreplicated(offset, len);
            throw e;
        }
        try {
            l = linkForWrite();
            if (l != null && async && !(reserved = backlog.reserve(len))) {
                l.kill(String.format("async backlog of %d bytes plus a %d-byte write would pass the hard limit of"
                        + " %d bytes: shipping stops, regions are marked dirty and resynced", backlog.bytes(), len,
                        backlog.hardLimit()));
                l = linkForWrite();
            }
            if (l != null) {
                last = ship.send(l);
                if (last != null) {
                    // on the wire before the local write starts, so the standby's round trip overlaps the local I/O
                    l.pump();
                }
            }
            op.run();
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            guard.release(r);
        }
        // no second pump: a frame queued before pump() found the link busy is sent by the busy sender, which looks
        // at the queue again after it lets go (MirrorLink.pump)
        return new Pending(l, last, reserved, offset, len, failure, t0);
    }

    /** The link to ship on, or null; when null the volume is written without the standby (a new generation). */
    private MirrorLink linkForWrite() throws IOException {
        MirrorLink l = link;
        if (l == null) {
            synchronized (this) {
                l = link;
                if (l == null) {
                    identity.divergeIfNeeded();
                }
            }
        }
        return l;
    }

    /**
     * Settles a modification whose ACK is not waited for here: without a frame, at once (the regions stay dirty);
     * in async mode, when the ACK comes.
     */
    private void settle(Pending p) {
        if (p.last() == null) {
            settle(p, false);
        } else {
            p.last().done.whenComplete((ok, ex) -> settle(p, Boolean.TRUE.equals(ok)));
        }
    }

    /** The standby's answer is known: the regions are confirmed or stay dirty, and the write's latency is counted. */
    private void settle(Pending p, boolean acked) {
        if (p.reserved()) {
            backlog.release(p.length());
        }
        if (acked && p.failure() == null) {
            planner.replicated(p.offset(), p.length());
        } else {
            planner.markUnreplicated(p.offset(), p.length());
        }
        if (!async) {
            recordLatency(p);
        }
    }

    /** A write's latency as its client sees it: until the ACK in sync mode, until the local write in async mode. */
    private void recordLatency(Pending p) {
        latency.recordNanos(options.clock().getAsLong() - p.startNanos());
    }

    private void throttle(long len) throws java.io.InterruptedIOException {
        try {
            mirrorThrottle.acquire(len);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while throttled");
        }
    }

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

    @Override
    public void flush() throws IOException {
        flushReplicated();
    }

    /**
     * Flushes locally and on the standby; true only if the standby acknowledged the FLUSH (every earlier frame is
     * then durable on the replica), false if there is no link or it died meanwhile.
     */
    public boolean flushReplicated() throws IOException {
        long t0 = options.clock().getAsLong();
        local.flush();
        MirrorLink l = link;
        Outbound o = l == null ? null : l.enqueue(FrameType.FLUSH, 0, 0, 0, null, false);
        if (o != null) {
            l.pump();
        }
        boolean acked = o != null && o.done.join();
        if (o != null && !acked) {
            LOG.debug("mirror {}: FLUSH not acknowledged (link lost); durable locally only", name);
        }
        latency.recordNanos(options.clock().getAsLong() - t0);
        return acked;
    }

    /**
     * Sends a KEEPALIVE frame so an idle link still speaks (the standby counts any frame as life); {@code acked}
     * runs when the standby acknowledges it. Returns false when there is no link.
     */
    public boolean keepalive(Runnable acked) {
        MirrorLink l = link;
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

    /**
     * Completes with the outcome of the first connection attempt: UP, or DOWN (unreachable or refused; a refusal is
     * told to {@link #onRefused} first). A primary waits for it before serving, so a fenced one never serves.
     */
    public java.util.concurrent.CompletableFuture<LinkState> firstAttempt() {
        return firstAttempt;
    }

    /** Frames the standby acknowledged on this volume's links so far (client writes; any ACK is a sign of life). */
    public long writesAcked() {
        return counters.writesAcked.get();
    }

    /**
     * Told when the standby refuses this volume's link (handshake refused or link closed with a reason, e.g.
     * "fenced at epoch N"); called on a link thread with the standby's words.
     */
    public void onRefused(java.util.function.Consumer<String> listener) {
        refusalListener = listener;
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        zeroRange(offset, length, fua, true, true);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        zeroRange(offset, length, fua, mayTrim, false);
    }

    private void zeroRange(long offset, long length, boolean fua, boolean mayTrim, boolean trim) throws IOException {
        mirrored(offset, length, l -> l.enqueue(FrameType.ZERO, fua ? FrameFlags.FUA : 0, offset, length, null, true),
                () -> {
                    if (trim) {
                        local.trim(offset, length, fua);
                    } else {
                        local.writeZeroes(offset, length, fua, mayTrim);
                    }
                });
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > volume.size() - length) {
            throw new IllegalArgumentException(name + ": range " + offset + "+" + length + " outside volume of "
                    + volume.size() + " bytes");
        }
    }

    // ---- link lifecycle -------------------------------------------------------------------------------------

    /**
     * Reconnects now instead of at the end of the current back-off: the standby has just said it accepts this primary
     * again (fence lifted, role returned). Does nothing while a link is up or an attempt is under way.
     */
    public synchronized void reconnectNow() {
        ScheduledFuture<?> r = reconnect;
        if (closed || link != null || r == null || r.isDone() || !r.cancel(false)) {
            return;
        }
        backoffMillis = options.reconnectInitial().toMillis();
        LOG.info("mirror {}: reconnecting to standby {} now (it accepts this primary again)", name, standbyName);
        scheduleConnect(0);
    }

    private synchronized void scheduleConnect(long delayMillis) {
        if (closed) {
            return;
        }
        reconnect = scheduler.schedule(() -> {
            Thread t = new Thread(this::connectOnce, "mirror-connect-" + name);
            t.setDaemon(true);
            t.start();
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void connectOnce() {
        setLink(LinkState.CONNECTING, "connecting to " + connector.standby());
        MirrorLink l;
        IdentityMessage mine;
        synchronized (this) {
            mine = new IdentityMessage(identity.get(), planner instanceof BitmapPlanner bp ? bp.info() : BitmapInfo.NONE);
        }
        try {
            l = connector.connect(primary, volume.name(), volume.size(), counters, this::linkDown, mine);
        } catch (IOException | RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("fenced")) {
                raise(AlarmKind.FENCED, "the standby fenced this primary: " + e.getMessage());
            }
            long delay;
            synchronized (this) {
                failedAttempts++;
                delay = backoffMillis;
                backoffMillis = Math.min(options.reconnectMax().toMillis(), backoffMillis * 2);
                transition(MirrorState.DEGRADED, "standby " + connector.standby() + " unreachable");
            }
            if (e.getMessage() != null && e.getMessage().startsWith("standby refused")) {
                refusalListener.accept(e.getMessage());
            }
            setLink(LinkState.DOWN, e.getMessage());
            firstAttempt.complete(LinkState.DOWN);
            LOG.warn("mirror {}: cannot reach standby {} at {} (attempt {}): {}; serving locally, retry in {} ms",
                    name, standbyName, connector.standby(), failedAttempts, e.getMessage(), delay);
            scheduleConnect(delay);
            return;
        }
        ResyncDecision decision = ResyncDecisionTable.decide(name, mine.identity(), l.peer().identity(),
                mine.bitmap(), l.peer().bitmap());
        if (decision.outcome().refuses() || decision.outcome().towardsPrimary()) {
            refuse(l, decision);
            return;
        }
        List<ResyncPlanner.Extent> plan;
        synchronized (this) {
            if (closed) {
                l.kill("volume closing");
                return;
            }
            if (!identity.get().equals(mine.identity())) {
                // a write started a new generation during the handshake: decide again with what we now hold
                l.kill("identity changed during the handshake");
                return;
            }
            if (decision.outcome().full() && planner instanceof BitmapPlanner bp) {
                try {
                    bp.markAll();
                } catch (IOException e) {
                    l.kill("cannot mark the dirty bitmap for a full resync: " + e.getMessage());
                    return;
                }
            }
            plan = planner.plan(volume.size(), l.replicaConsistent());
            lastDecision = decision;
            // SYNC_BEGIN must be the first frame: no client write may reach a replica not yet marked inconsistent
            l.enqueue(FrameType.SYNC_BEGIN, 0, 0, 0, null, false);
            link = l;
            backoffMillis = options.reconnectInitial().toMillis();
            failedAttempts = 0;
            counters.linksEstablished.incrementAndGet();
            FullSync s = new FullSync(name, local, guard, l, plan, options.syncChunk(), options.syncWindow(),
                    options.clock(), syncOutcome, counters, decision.outcome().full());
            sync = s;
            setLink(LinkState.UP, "to " + l.remote() + ", max frame " + l.maxFrame());
            long bytes = plan.stream().mapToLong(ResyncPlanner.Extent::length).sum();
            transition(MirrorState.SYNCING, "link up, " + decision.rule() + " " + decision.outcome() + ": resync of "
                    + plan.size() + " extent(s), " + bytes + " bytes");
            syncStartNanos = options.clock().getAsLong();
            if (bytes > 0) {
                context.events().accept(new ModelEvent.ResyncStarted(options.wallClock().instant(), primary, volume.name(),
                        bytes, decision.rule() + " " + decision.outcome()));
            }
            l.start(scheduler);
            Thread t = new Thread(s, "mirror-sync-" + name);
            t.setDaemon(true);
            t.start();
        }
        firstAttempt.complete(LinkState.UP);
        LOG.info("mirror {}: link up to standby {} at {} (replica consistent={}, fresh={}); {} {}: resync started",
                name, standbyName, l.remote(), l.replicaConsistent(), l.replicaFresh(), decision.rule(),
                decision.outcome());
        clear(AlarmKind.SPLIT_BRAIN, "link accepted: " + decision.outcome());
        clear(AlarmKind.RESYNC_UNDECIDED, "link accepted: " + decision.outcome());
        clear(AlarmKind.FENCED, "link accepted");
    }

    /**
     * Generations say the copies must not be joined automatically (split brain, unrelated data, no consistent side)
     * or that data would have to flow back to this primary (failback is an operator's decision): keep both data sets,
     * raise the alarm and retry only at the slowest pace, in case an operator resolves it on the standby.
     */
    private void refuse(MirrorLink l, ResyncDecision d) {
        l.kill("refused by resync decision " + d.rule() + " " + d.outcome());
        AlarmKind kind = d.outcome() == ResyncDecision.Outcome.SPLIT_BRAIN
                || d.outcome() == ResyncDecision.Outcome.UNRELATED ? AlarmKind.SPLIT_BRAIN : AlarmKind.RESYNC_UNDECIDED;
        raise(kind, d.outcome() + " (" + d.rule() + "): " + d.reason());
        synchronized (this) {
            lastDecision = d;
            backoffMillis = options.reconnectMax().toMillis();
        }
        setLink(LinkState.DOWN, "refused: " + d.outcome() + " (" + d.rule() + ")");
        firstAttempt.complete(LinkState.DOWN);
        LOG.error("mirror {}: link to standby {} refused, nothing resynced, both data sets kept: {} {}: {}", name,
                standbyName, d.rule(), d.outcome(), d.reason());
    }

    private void raise(AlarmKind kind, String text) {
        if (context.alarms() != null) {
            context.alarms().raise(kind, name, text);
        }
    }

    private void clear(AlarmKind kind, String why) {
        if (context.alarms() != null) {
            context.alarms().clear(kind, name, why);
        }
    }

    private void linkDown(MirrorLink l, String reason) {
        long delay;
        synchronized (this) {
            if (link == l) {
                link = null;
            }
            if (closed) {
                return;
            }
            delay = backoffMillis;
            transition(MirrorState.DEGRADED, reason);
        }
        setLink(LinkState.DOWN, reason);
        if (reason != null && reason.startsWith("standby closed the link")) {
            refusalListener.accept(reason);
        }
        LOG.warn("mirror {}: link to standby {} lost: {}; volume DEGRADED, writes continue locally; reconnect in {} ms",
                name, standbyName, reason, delay);
        scheduleConnect(delay);
    }

    private final FullSync.Outcome syncOutcome = new FullSync.Outcome() {
        @Override
        public void syncDone(MirrorLink l, List<ResyncPlanner.Extent> copied, FullSync s) {
            synchronized (MirroredVolume.this) {
                if (link != l || l.isDead()) {
                    return;
                }
                planner.completed(copied);
                try {
                    identity.resyncDoneAsSource();
                } catch (IOException e) {
                    LOG.warn("mirror {}: saving the identity after the resync failed: {} (the next reconnect"
                            + " copies more than needed)", name, e.toString());
                }
                counters.syncsCompleted.incrementAndGet();
                transition(MirrorState.IN_SYNC, String.format("resync of %d bytes acknowledged by the standby"
                        + " (%.1f MB/s); %d bytes still dirty", s.total(), s.rate() / 1e6, dirtyBytes()));
                if (s.total() > 0) {
                    context.events().accept(new ModelEvent.ResyncCompleted(options.wallClock().instant(), primary,
                            volume.name(), s.total(), java.time.Duration.ofNanos(options.clock().getAsLong() - syncStartNanos)));
                }
            }
        }

        @Override
        public void beforeChunk(long bytes) throws InterruptedException {
            resyncThrottle.acquire(bytes);
        }

        @Override
        public void chunkAcked(long offset, long length) {
            planner.chunkCopied(offset, length);
        }

        @Override
        public void syncAborted(MirrorLink l, String reason) {
            LOG.warn("mirror {}: full sync aborted at {}%: {}", name, String.format("%.1f", sync.percent()), reason);
            l.kill("full sync aborted: " + reason);
        }
    };

    private void transition(MirrorState to, String why) {
        MirrorState from = state;
        if (from == to) {
            return;
        }
        if (!ALLOWED.get(from).contains(to)) {
            LOG.error("mirror {}: refusing illegal state change {} -> {} ({})", name, from, to, why);
            return;
        }
        state = to;
        LOG.info("mirror {}: {} -> {}: {}", name, from, to, why);
    }

    private void setLink(LinkState s, String detail) {
        linkState = s;
        linkDetail = detail;
        linkSince = options.wallClock().instant();
    }

    // ---- state model --------------------------------------------------------------------------------------------

    /** This volume as the target of a failback copy (while fenced: no client, no link). */
    public FailbackTarget failbackTarget() {
        return new FailbackTarget(name, volume.size(), identity, planner, local, () -> link != null);
    }

    /**
     * Takes the fencing epoch the standby handed over (fence cleared, role returned): saved in the volume's identity
     * before any later link sends it; never lowered. A handshake already under way at the older epoch is dropped by
     * the identity check in the connect path and retried. Returns the epoch now held.
     */
    public long adoptEpoch(long epoch) throws IOException {
        return identity.raiseEpoch(epoch);
    }

    /** The fencing epoch this volume's IDENTITY frames carry. */
    public long epoch() {
        return identity.get().epoch();
    }

    public MirrorState state() {
        return state;
    }

    public VolumeSnapshot snapshot() {
        MirrorState s = state;
        FullSync fs = sync;
        double pct = switch (s) {
            case IN_SYNC -> 100.0;
            case SYNCING -> fs == null ? 0.0 : fs.percent();
            default -> 0.0;
        };
        ResyncDecision d = lastDecision;
        return new VolumeSnapshot(primary, volume.name(), volume.size(), volume.mode(), s, pct,
                counters.bytesAcked.get(), counters.writesAcked.get(), latency.summary(), dirtyBytes(),
                fs == null ? 0 : fs.done(), fs == null ? 0 : fs.total(), fs == null ? 0 : fs.rate(), backlog.bytes(),
                identity.get().current().toString(), lastVerify);
    }

    /** Bytes of dirty regions (what the next resync would copy); -1 without a dirty bitmap. */
    public long dirtyBytes() {
        return planner instanceof BitmapPlanner bp ? bp.dirtyBytes() : -1;
    }

    /** The decision of the last connect ({@code null} before the first handshake). */
    public ResyncDecision lastDecision() {
        return lastDecision;
    }

    /** The largest async backlog seen, in bytes, and the configured hard limit. */
    public long backlogPeak() {
        return backlog.peak();
    }

    public LinkSnapshot linkSnapshot() {
        return new LinkSnapshot(standbyName, volume.name(), linkState, linkSince, linkDetail);
    }

    /** Traffic figures since the volume was opened. */
    public MirrorCounters counters() {
        return counters.snapshot();
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        MirrorLink l;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            l = link;
        }
        if (l != null) {
            l.kill("volume closing");
        }
        if (bitmapFlusher != null) {
            bitmapFlusher.cancel(false);
        }
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
        if (planner instanceof BitmapPlanner bp) {
            try {
                // two flushes: the second retires every extent the first saw touched, so a clean stop leaves no hot
                // extent behind and the next start resyncs exactly the dirty regions, not whole extents
                bp.bitmap().flush();
                bp.bitmap().flush();
                bp.bitmap().close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("mirror {}: closing the dirty bitmap: {}", name, e.toString());
            }
        }
        local.close();
        LOG.info("mirror {}: closed", name);
    }
}
