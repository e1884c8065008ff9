package org.understudy.replica;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.model.LatencySummary;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.MirrorState;
import org.understudy.model.VolumeSnapshot;
import org.understudy.storage.AtOnce;
import org.understudy.threads.BlockingThreads;
import org.understudy.transport.StreamConnection;
import org.understudy.transport.StreamListener;

/**
 * The standby's replication endpoint: accepts links from every configured primary at once (one thread per link),
 * each applying one volume's frames to its {@link Replica}. A bad connection is closed with a logged reason and
 * never affects the server or other links. Links arrive over {@link ReplicaOptions#transport()} (TCP; in memory in
 * tests). Thread-safe.
 */
public final class ReplicaServer implements Closeable {
    private static final Logger LOG = LogManager.getLogger(ReplicaServer.class);

    private final ClusterConfig cluster;
    private final ReplicaOptions options;
    private final ReplicaStore store;
    private final StreamListener server;
    private final ScheduledExecutorService timer;
    private final Map<ReplicaSession, Thread> sessions = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private final FenceStore fences;
    private final LinkActivity activity;
    private volatile SnapshotHooks snapshotHooks = SnapshotHooks.NONE;
    /** Large frame payloads of every link are received into buffers from here; idle ones bounded in bytes. */
    private final org.understudy.transport.BufferPool payloads =
            new org.understudy.transport.BufferPool(PAYLOAD_POOL_IDLE_BYTES);
    /** Applies every link's large writes: a few threads for the whole standby, none while it is idle. */
    private final java.util.concurrent.ThreadPoolExecutor appliers;
    private volatile boolean closed;
    /** Who runs each link: a few platform threads, then virtual ones. */
    private final BlockingThreads linkThreads = new BlockingThreads(BlockingThreads.DEFAULT_PLATFORM);
    private static final long PAYLOAD_POOL_IDLE_BYTES = 32L << 20;

    private ReplicaServer(ClusterConfig cluster, ReplicaOptions options, ReplicaStore store, StreamListener server,
                          FenceStore fences, LinkActivity activity) {
        this.fences = fences;
        this.activity = activity;
        this.cluster = cluster;
        this.options = options;
        this.store = store;
        this.server = server;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-timer");
            t.setDaemon(true);
            return t;
        });
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.appliers = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 30, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "replica-apply-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        appliers.allowCoreThreadTimeOut(true);
        this.acceptor = new Thread(this::acceptLoop, "replica-accept-" + boundPort());
        acceptor.setDaemon(true);
    }

    /** Opens every replica and listens on {@code options.bind()} or else the cluster's {@code standby.replication}. */
    public static ReplicaServer start(ClusterConfig cluster, ReplicaOptions options) throws IOException {
        return start(cluster, options, LinkActivity.NONE);
    }

    /** Like {@link #start(ClusterConfig, ReplicaOptions)}, telling {@code activity} of every valid frame. */
    public static ReplicaServer start(ClusterConfig cluster, ReplicaOptions options, LinkActivity activity)
            throws IOException {
        return start(cluster, options, activity, store -> SnapshotHooks.NONE);
    }

    /**
     * Like {@link #start(ClusterConfig, ReplicaOptions, LinkActivity)}, with the snapshot service {@code hooks}
     * builds over the opened replicas in place before the first link is accepted (a link that resyncs at once still
     * gets its pre-resync snapshot).
     */
    public static ReplicaServer start(ClusterConfig cluster, ReplicaOptions options, LinkActivity activity,
                                      java.util.function.Function<ReplicaStore, SnapshotHooks> hooks)
            throws IOException {
        Endpoint bind = options.bind() != null ? options.bind() : cluster.standby().replication();
        ReplicaStore store = ReplicaStore.open(cluster, options.wallClock());
        StreamListener ss;
        try {
            ss = options.transport().listen(new InetSocketAddress(bind.host(), bind.port()), 64);
        } catch (IOException e) {
            store.close();
            throw new IOException("cannot listen for replication on " + bind + ": " + e.getMessage(), e);
        }
        FenceStore fences = FenceStore.open(cluster.standby().replicaDir(),
                cluster.primaries().stream().map(org.understudy.config.PrimaryConfig::name).toList(),
                options.wallClock());
        store.all().forEach(r -> r.storageActivity(activity));
        ReplicaServer s = new ReplicaServer(cluster, options, store, ss, fences, activity);
        try {
            s.snapshotHooks = hooks.apply(store);
        } catch (RuntimeException e) {
            ss.close();
            store.close();
            throw e;
        }
        s.acceptor.start();
        LOG.info("standby {}: replication listening on {}:{} for {} replicas", cluster.standby().name(), bind.host(),
                s.boundPort(), store.all().size());
        return s;
    }

    /** The port actually bound (useful when asked for port 0). */
    public int boundPort() {
        InetSocketAddress a = server.localAddress();
        return a == null ? -1 : a.getPort();
    }

    public ReplicaStore store() {
        return store;
    }

    public FenceStore fences() {
        return fences;
    }



    /**
     * Fences {@code primary}: raises its epoch durably in the fence file and in the identity of every replica of the
     * primary (so its IDENTITY frames at the old epoch are refused even without the fence file), then closes its
     * links and waits (up to {@code waitMillis}) until none of them applies anything more. Returns the new epoch.
     */
    public long fence(String primary, String reason, long waitMillis) throws IOException {
        List<Replica> mine = replicasOf(primary);
        long held = mine.stream().mapToLong(r -> r.identity().epoch()).max().orElse(0);
        long epoch = fences.nextEpoch(primary, held);
        // durable before the takeover goes on, the fence file and every replica's identity at once (a crash between
        // them leaves the epoch raised somewhere: epoch() reads the highest); also closes a link attached at an older
        // epoch
        List<AtOnce.IoAction> writes = new ArrayList<>();
        writes.add(() -> fences.raiseTo(primary, epoch, reason));
        mine.forEach(r -> writes.add(() -> r.raiseEpoch(epoch)));
        AtOnce.run(writes);
        List<Thread> ending = new ArrayList<>();
        for (Map.Entry<ReplicaSession, Thread> e : sessions.entrySet()) {
            if (primary.equals(e.getKey().primaryName())) {
                e.getKey().close("fenced at epoch " + epoch + ": " + reason);
                ending.add(e.getValue());
            }
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        for (Thread t : ending) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while closing the links of " + primary);
            }
            if (t.isAlive()) {
                throw new IOException("a link of " + primary + " still applies frames after " + waitMillis + " ms");
            }
        }
        LOG.warn("standby {}: {} fenced at epoch {} (fence file and {} replica identities, which held epoch {}), {} "
                + "link(s) closed", cluster.standby().name(), primary, epoch, mine.size(), held, ending.size());
        return epoch;
    }

    /**
     * The epoch {@code primary} must carry to be accepted again: the highest of its fence's epoch and its replicas'
     * identity epochs. Handed to the primary when its fence is cleared or its role returned.
     */
    public long epoch(String primary) {
        long held = replicasOf(primary).stream().mapToLong(r -> r.identity().epoch()).max().orElse(0);
        return Math.max(held, fences.fence(primary).map(FenceStore.Fence::epoch).orElse(0L));
    }

    private List<Replica> replicasOf(String primary) {
        return store.all().stream().filter(r -> r.primary().equals(primary)).toList();
    }

    /** Open links from {@code primary} (in handshake or applying). */
    public int linkCount(String primary) {
        return (int) sessions.keySet().stream().filter(s -> primary.equals(s.primaryName()) && !s.isClosed()).count();
    }

    /** Every configured replica, connected or not. */
    public List<VolumeSnapshot> snapshots() {
        List<VolumeSnapshot> out = new ArrayList<>();
        for (Replica r : store.all()) {
            MirrorState state = state(r);
            out.add(new VolumeSnapshot(r.primary(), r.volume().name(), r.volume().size(), r.volume().mode(), state,
                    state == MirrorState.IN_SYNC || state == MirrorState.DEGRADED ? 100.0
                            : r.awaitingDecision() && !r.syncing() ? 0.0 : r.syncPercent(),
                    r.bytesApplied.get(), r.writesApplied.get(), LatencySummary.EMPTY, -1, 0, 0, 0, 0,
                    r.identity().isFresh() ? "" : r.identity().current().toString(), org.understudy.model.VerifySummary.NONE));
        }
        return out;
    }

    /**
     * Each replica's state as {@link #snapshots} tells it, without its other figures: what the standby's health tick
     * reads four times a second ({@code consumer} gets primary, volume and state, replica by replica).
     */
    public void forEachState(StateConsumer consumer) {
        for (Replica r : store.all()) {
            consumer.accept(r.primary(), r.volume().name(), state(r));
        }
    }

    /** Receives one replica's state from {@link #forEachState}. */
    @FunctionalInterface
    public interface StateConsumer {
        void accept(String primary, String volume, MirrorState state);
    }

    private static MirrorState state(Replica r) {
        ReplicaSession s = r.attachedSession();
        boolean up = s != null && !s.isClosed() && s.replica() == r;
        if ((r.syncing() || r.awaitingDecision()) && up) {
            // a new link's primary has not said yet whether the replica is in sync: not IN_SYNC before that
            return MirrorState.SYNCING;
        }
        if (!r.consistent()) {
            return MirrorState.INCONSISTENT;
        }
        return up ? MirrorState.IN_SYNC : MirrorState.DEGRADED;
    }

    /** Links currently open (including ones still in their handshake). */
    public List<LinkSnapshot> links() {
        List<LinkSnapshot> out = new ArrayList<>();
        for (ReplicaSession s : sessions.keySet()) {
            out.add(s.snapshot());
        }
        return out;
    }

    private void acceptLoop() {
        while (!closed) {
            StreamConnection ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("standby {}: accept failed: {}", cluster.standby().name(), e.getMessage());
                continue;
            }
            ReplicaSession session = new ReplicaSession(cluster, store, options, ch, timer, fences, activity,
                    snapshotHooks, payloads, appliers);
            // the first links on platform threads (one wake-up per frame), the rest virtual: a standby of 100
            // primaries x 4 volumes must not hold 400 platform threads (stacks, kernel tasks) for them
            Thread t = linkThreads.newThread("replica-link-" + session.remote(), () -> {
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                }
            });
            sessions.put(session, t);
            LOG.info("standby {}: link from {} on a {} thread ({} of {} platform link threads in use)",
                    cluster.standby().name(), session.remote(), t.isVirtual() ? "virtual" : "platform",
                    linkThreads.platformInUse(), linkThreads.platformLimit());
            t.start();
        }
    }

    /** Stops accepting, closes every link and every replica file. */
    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (ReplicaSession s : sessions.keySet()) {
            s.close("standby shutting down");
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        // sessions release their replicas when their threads end; files close only after the last write
        for (Thread t : sessions.values()) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        appliers.shutdown();
        store.close();
        LOG.info("standby {}: replication server closed", cluster.standby().name());
    }
}
