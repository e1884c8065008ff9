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
import org.understudy.model.VolumeSnapshot;
import org.understudy.replication.FrameFlags;
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

    private MirroredVolume(ClusterConfig cluster, PrimaryConfig primary, VolumeConfig volume, BlockDevice local,
                           MirrorOptions options, ResyncPlanner planner) {
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
        BlockDevice local = FileBlockDevice.open(volume.file(), volume.size(), primary.name() + "/" + volume.name());
        return wrap(cluster, primary, volume, local, options, ResyncPlanner.FULL);
    }

    /** Mirrors an already open local device (which the volume then owns and closes). */
    public static MirroredVolume wrap(ClusterConfig cluster, PrimaryConfig primary, VolumeConfig volume,
                                      BlockDevice local, MirrorOptions options, ResyncPlanner planner) {
        MirroredVolume v = new MirroredVolume(cluster, primary, volume, local, options, planner);
        if (volume.mode() == MirrorMode.ASYNC) {
            LOG.warn("mirror {}: ASYNC mode is not implemented yet; mirroring synchronously", v.name);
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
        local.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        long t0 = options.clock().getAsLong();
        int len = src.remaining();
        check(offset, len);
        Outbound last = null;
        RangeGuard.Range r = guard.acquire(offset, len);
        try {
            MirrorLink l = link;
            if (l != null && len > 0) {
                last = enqueueWrite(l, offset, src.duplicate(), fua);
                // on the wire before the local write starts, so the standby's round trip overlaps the local I/O
                l.pump();
            }
            local.write(offset, src, fua);
        } finally {
            guard.release(r);
        }
        finish(last, offset, len, t0);
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
        long t0 = options.clock().getAsLong();
        check(offset, length);
        Outbound o = null;
        RangeGuard.Range r = guard.acquire(offset, length);
        try {
            MirrorLink l = link;
            if (l != null && length > 0) {
                o = l.enqueue(FrameType.ZERO, fua ? FrameFlags.FUA : 0, offset, length, null, true);
            }
            if (trim) {
                local.trim(offset, length, fua);
            } else {
                local.writeZeroes(offset, length, fua, mayTrim);
            }
        } finally {
            guard.release(r);
        }
        finish(o, offset, length, t0);
    }

    /** Waits for the standby's ACK (cumulative, so the last frame covers the whole request). */
    private void finish(Outbound last, long offset, long length, long t0) {
        MirrorLink l = link;
        if (l != null) {
            l.pump();
        }
        boolean replicated = last != null && last.done.join();
        if (!replicated && length > 0) {
            planner.markUnreplicated(offset, length);
        }
        latency.recordNanos(options.clock().getAsLong() - t0);
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > volume.size() - length) {
            throw new IllegalArgumentException(name + ": range " + offset + "+" + length + " outside volume of "
                    + volume.size() + " bytes");
        }
    }

    // ---- link lifecycle -------------------------------------------------------------------------------------

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
        try {
            l = connector.connect(primary, volume.name(), volume.size(), counters, this::linkDown);
        } catch (IOException | RuntimeException e) {
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
        List<ResyncPlanner.Extent> plan;
        synchronized (this) {
            if (closed) {
                l.kill("volume closing");
                return;
            }
            plan = planner.plan(volume.size(), l.replicaConsistent());
            // SYNC_BEGIN must be the first frame: no client write may reach a replica not yet marked inconsistent
            l.enqueue(FrameType.SYNC_BEGIN, 0, 0, 0, null, false);
            link = l;
            backoffMillis = options.reconnectInitial().toMillis();
            failedAttempts = 0;
            counters.linksEstablished.incrementAndGet();
            FullSync s = new FullSync(name, local, guard, l, plan, options.syncChunk(), options.syncWindow(),
                    options.clock(), syncOutcome, counters);
            sync = s;
            setLink(LinkState.UP, "to " + l.remote() + ", max frame " + l.maxFrame());
            transition(MirrorState.SYNCING, "link up, full sync of " + plan.size() + " extent(s)");
            l.start(scheduler);
            Thread t = new Thread(s, "mirror-sync-" + name);
            t.setDaemon(true);
            t.start();
        }
        firstAttempt.complete(LinkState.UP);
        LOG.info("mirror {}: link up to standby {} at {} (replica consistent={}, fresh={}); full sync started",
                name, standbyName, l.remote(), l.replicaConsistent(), l.replicaFresh());
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
                counters.syncsCompleted.incrementAndGet();
                transition(MirrorState.IN_SYNC, "full sync acknowledged by the standby");
            }
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
        return new VolumeSnapshot(primary, volume.name(), volume.size(), volume.mode(), s, pct,
                counters.bytesAcked.get(), counters.writesAcked.get(), latency.summary());
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
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
        local.close();
        LOG.info("mirror {}: closed", name);
    }
}
