package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.model.AlarmKind;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.model.ModelEvent;
import org.understudy.model.VerifyProgress;
import org.understudy.model.VerifySummary;
import org.understudy.model.VolumeSnapshot;
import org.understudy.replication.LinkAuthenticator;
import org.understudy.resync.ResyncDecision;
import org.understudy.resync.ThrottleSet;
import org.understudy.storage.BlockDevice;
import org.understudy.storage.FileBlockDevice;

/**
 * A primary volume mirrored synchronously to the standby: a {@link BlockDevice} over the local device whose writes
 * return only after the local write and the standby's ACK of that write. When the standby is unreachable the volume
 * keeps serving locally (DEGRADED, logged) and reconnects in the background with backoff; every (re)connect copies
 * what the {@link ResyncPlanner} says (for now the whole volume) while clients keep writing.
 *
 * <p>The volume is the face others call; the link lifecycle and its state machine live in {@link LinkKeeper}, the
 * way each client request travels in {@link MirrorDataPath}, their shared collaborators in {@link VolumeParts}.
 * Thread-safe: the NBD server calls it from many threads; state changes are synchronized on the volume (the keeper
 * takes this object's monitor for them).
 */
public final class MirroredVolume implements BlockDevice {
    private static final Logger LOG = LogManager.getLogger(MirroredVolume.class);

    /**
     * Dirty-bitmap housekeeping period: persists cleared bits and retires extents idle for a whole period. Long enough
     * that a random workload keeps its extents hot (no bitmap force per write); short enough that a crash resyncs
     * only what was written in the last few seconds.
     */
    private static final long FLUSH_SECONDS = 5;
    private final VolumeParts p;
    private final boolean ownScheduler;
    private final AsyncBacklog backlog;
    private final LinkKeeper keeper;
    private final MirrorDataPath data;
    private volatile VerifySummary lastVerify = VerifySummary.NONE;
    /** The verify running now, as far as it has come; null when none runs. */
    private volatile VerifyProgress verifying;
    private final java.util.concurrent.locks.ReentrantLock verifyLock = new java.util.concurrent.locks.ReentrantLock();
    private ScheduledFuture<?> bitmapFlusher;

    private MirroredVolume(ClusterConfig cluster, PrimaryConfig primary, VolumeConfig volume, BlockDevice local,
                           MirrorOptions options, ResyncPlanner planner, PrimaryIdentity identity,
                           MirrorContext context) {
        ThrottleSet.Link mirrorThrottle = context.throttles().mirroring().link(primary.name());
        ThrottleSet.Link resyncThrottle = context.throttles().resync().link(primary.name());
        this.backlog = new AsyncBacklog(volume.mirror().asyncHighWater(), volume.mirror().asyncHardLimit(),
                options.clock());
        String name = primary.name() + "/" + volume.name();
        this.ownScheduler = options.scheduler() == null;
        ScheduledExecutorService scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-timer-" + name);
            t.setDaemon(true);
            return t;
        }) : options.scheduler();
        this.p = new VolumeParts(name, primary.name(), cluster.standby().name(), volume, local, options, scheduler,
                planner, new RangeGuard(), new TrafficCounters(), new LatencyHistogram(), identity, context);
        Endpoint standby = options.standby() != null ? options.standby() : cluster.standby().replication();
        LinkConnector connector = new LinkConnector(standby, new LinkAuthenticator(cluster.secrets().clusterKey(),
                options.random()), options, scheduler);
        this.keeper = new LinkKeeper(this, p, connector, resyncThrottle);
        this.data = new MirrorDataPath(p, keeper, mirrorThrottle, backlog);
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
            v.bitmapFlusher = v.p.scheduler().scheduleWithFixedDelay(() -> {
                try {
                    bp.bitmap().flush();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("mirror {}: dirty bitmap flush failed: {}", n, e.toString());
                }
            }, FLUSH_SECONDS, FLUSH_SECONDS, TimeUnit.SECONDS);
        }
        v.keeper.scheduleConnect(0);
        return v;
    }

    @Override
    public long size() {
        return p.volume().size();
    }

    /** Reads locally; with the read blocker off, a failed local read is served from the replica while in sync. */
    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        data.read(offset, dst);
    }

    /** Reads served from the replica because the local disk failed (read blocker off). */
    public long replicaReads() {
        return data.replicaReads();
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
            throw new IllegalStateException(p.name() + ": a verify is already running");
        }
        try {
            return verifyLocked();
        } finally {
            verifyLock.unlock();
        }
    }

    private VerifyResult verifyLocked() throws IOException {
        MirrorLink l = keeper.link();
        if (l == null || keeper.state() != MirrorState.IN_SYNC || !(p.planner() instanceof BitmapPlanner bp)) {
            throw new IllegalStateException(p.name() + " is " + keeper.state() + ": verify needs the replica in sync");
        }
        MirrorOptions options = p.options();
        long size = p.volume().size();
        java.time.Instant started = options.wallClock().instant();
        verifying = new VerifyProgress(started, 0, size);
        VerifyResult r;
        try {
            r = OnlineVerify.run(p.local(), p.guard(), l, bp, size, bp.bitmap().regionSize(), options.clock(),
                    options.ackTimeout().toNanos() * 4, done -> verifying = new VerifyProgress(started, done, size));
        } finally {
            verifying = null;
        }
        lastVerify = new VerifySummary(options.wallClock().instant(), r.regionsCompared(), r.mismatches(), r.summary());
        if (r.mismatches() > 0) {
            LOG.error("mirror {}: online verify: {}", p.name(), r.summary());
            keeper.raise(AlarmKind.VERIFY_MISMATCH, r.summary());
            p.context().events().accept(new ModelEvent.VerifyMismatch(options.wallClock().instant(), p.primary(),
                    p.volume().name(), r.mismatches(), r.regionsCompared()));
            l.kill("online verify found " + r.mismatches() + " mismatching region(s): resyncing them");
        } else {
            LOG.info("mirror {}: online verify: {} ({} regions skipped while in flight)", p.name(), r.summary(),
                    r.skipped());
            keeper.clear(AlarmKind.VERIFY_MISMATCH, "verify found no mismatch");
        }
        return r;
    }

    /** For tests: the guard that writes and the verify's batches hold. */
    RangeGuard guard() {
        return p.guard();
    }

    /** Measures round trip and throughput of this volume's link to the standby. */
    public LinkTestResult linkTest() throws IOException {
        return keeper.linkTest();
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        data.write(offset, src, fua);
    }

    /** Writes wait for the standby's ACK on the link's thread, not the caller's. */
    @Override
    public boolean completesWritesLater() {
        return true;
    }

    /** While the standby link is up, a write is also framed and sent on it. */
    @Override
    public boolean writesTravel() {
        return keeper.link() != null;
    }

    /**
     * The same write, but the calling thread goes on once the local half is done and the frame is on the wire; the
     * standby's ACK completes it on the link's ACK thread. Nothing is acknowledged earlier than {@link #write} would.
     */
    @Override
    public void writeAsync(long offset, ByteBuffer src, boolean fua, WriteCallback callback) {
        data.writeAsync(offset, src, fua, false, callback);
    }

    /** With {@code moreFollow} the frame waits in the link's queue for the next writes' frames: one socket write. */
    @Override
    public void writeAsync(long offset, ByteBuffer src, boolean fua, boolean moreFollow, WriteCallback callback) {
        data.writeAsync(offset, src, fua, moreFollow, callback);
    }

    @Override
    public void sendHeld() {
        data.sendHeld();
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
        return data.flushReplicated();
    }

    /**
     * Sends a KEEPALIVE frame so an idle link still speaks (the standby counts any frame as life); {@code acked}
     * runs when the standby acknowledges it. Returns false when there is no link.
     */
    public boolean keepalive(Runnable acked) {
        return data.keepalive(acked);
    }

    /**
     * Completes with the outcome of the first connection attempt: UP, or DOWN (unreachable or refused; a refusal is
     * told to {@link #onRefused} first). A primary waits for it before serving, so a fenced one never serves.
     */
    public java.util.concurrent.CompletableFuture<LinkState> firstAttempt() {
        return keeper.firstAttempt();
    }

    /** Frames the standby acknowledged on this volume's links so far (client writes; any ACK is a sign of life). */
    public long writesAcked() {
        return p.counters().writesAcked.get();
    }

    /**
     * Told when the standby refuses this volume's link (handshake refused or link closed with a reason, e.g.
     * "fenced at epoch N"); called on a link thread with the standby's words.
     */
    public void onRefused(java.util.function.Consumer<String> listener) {
        keeper.onRefused(listener);
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        data.zeroRange(offset, length, fua, true, true);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        data.zeroRange(offset, length, fua, mayTrim, false);
    }

    // ---- snapshot cuts (see CutGate) ------------------------------------------------------------------------------

    /** Why this volume cannot take part in a snapshot cut now, or null when it can. */
    String cutRefusal() {
        MirrorLink l = keeper.link();
        if (l == null) {
            return "no link to the standby (" + keeper.state() + ")";
        }
        if (!CutGate.cuttable(keeper.state())) {
            return "the replica is " + keeper.state() + ", not in sync";
        }
        if (l.version() < 3) {
            return "its link speaks protocol " + l.version() + ", which carries no snapshot cut";
        }
        return null;
    }

    /** Queues the SNAPSHOT marker of cut {@code id} on the link (under the exclusive cut gate); null without a link. */
    Outbound queueCutMarker(long id) {
        MirrorLink l = keeper.link();
        return l == null || l.version() < 3 ? null : CutGate.marker(l, id);
    }

    void pumpLink() {
        MirrorLink l = keeper.link();
        if (l != null) {
            l.pump();
        }
    }

    // ---- link lifecycle -------------------------------------------------------------------------------------

    /**
     * Reconnects now instead of at the end of the current back-off: the standby has just said it accepts this primary
     * again (fence lifted, role returned). Does nothing while a link is up or an attempt is under way.
     */
    public void reconnectNow() {
        // synchronized on this volume inside, as it always was
        keeper.reconnectNow();
    }

    // ---- state model --------------------------------------------------------------------------------------------

    /** This volume as the target of a failback copy (while fenced: no client, no link). */
    public FailbackTarget failbackTarget() {
        return new FailbackTarget(p.name(), p.volume().size(), p.identity(), p.planner(), p.local(),
                () -> keeper.link() != null);
    }

    /**
     * Takes the fencing epoch the standby handed over (fence cleared, role returned): saved in the volume's identity
     * before any later link sends it; never lowered. A handshake already under way at the older epoch is dropped by
     * the identity check in the connect path and retried. Returns the epoch now held.
     */
    public long adoptEpoch(long epoch) throws IOException {
        return p.identity().raiseEpoch(epoch);
    }

    /** The fencing epoch this volume's IDENTITY frames carry. */
    public long epoch() {
        return p.identity().get().epoch();
    }

    public MirrorState state() {
        return keeper.state();
    }

    /** Sync (a write waits for the standby) or async. */
    public org.understudy.config.MirrorMode mode() {
        return p.volume().mode();
    }

    public VolumeSnapshot snapshot() {
        MirrorState s = keeper.state();
        FullSync fs = keeper.sync();
        double pct = switch (s) {
            case IN_SYNC -> 100.0;
            case SYNCING -> fs == null ? 0.0 : fs.percent();
            default -> 0.0;
        };
        VolumeConfig volume = p.volume();
        TrafficCounters counters = p.counters();
        return new VolumeSnapshot(p.primary(), volume.name(), volume.size(), volume.mode(), s, pct,
                counters.bytesAcked.get(), counters.writesAcked.get(), p.latency().summary(), dirtyBytes(),
                fs == null ? 0 : fs.done(), fs == null ? 0 : fs.total(), fs == null ? 0 : fs.rate(), backlog.bytes(),
                p.identity().get().current().toString(), lastVerify.withRunning(verifying));
    }

    /** Bytes of dirty regions (what the next resync would copy); -1 without a dirty bitmap. */
    public long dirtyBytes() {
        return p.dirtyBytes();
    }

    /** The decision of the last connect ({@code null} before the first handshake). */
    public ResyncDecision lastDecision() {
        return keeper.lastDecision();
    }

    /** The largest async backlog seen, in bytes, and the configured hard limit. */
    public long backlogPeak() {
        return backlog.peak();
    }

    public LinkSnapshot linkSnapshot() {
        return keeper.linkSnapshot();
    }

    /** Traffic figures since the volume was opened. */
    public MirrorCounters counters() {
        return p.counters().snapshot();
    }

    @Override
    public String describe() {
        return p.name();
    }

    @Override
    public void close() throws IOException {
        MirrorLink l;
        synchronized (this) {
            // the keeper's monitor is this volume: marking closed and taking the link to kill stay one step
            if (!keeper.close()) {
                return;
            }
            l = keeper.link();
        }
        if (l != null) {
            l.kill("volume closing");
        }
        if (bitmapFlusher != null) {
            bitmapFlusher.cancel(false);
        }
        if (ownScheduler) {
            p.scheduler().shutdownNow();
        }
        if (p.planner() instanceof BitmapPlanner bp) {
            try {
                // two flushes: the second retires every extent the first saw touched, so a clean stop leaves no hot
                // extent behind and the next start resyncs exactly the dirty regions, not whole extents
                bp.bitmap().flush();
                bp.bitmap().flush();
                bp.bitmap().close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("mirror {}: closing the dirty bitmap: {}", p.name(), e.toString());
            }
        }
        p.local().close();
        LOG.info("mirror {}: closed", p.name());
    }
}
