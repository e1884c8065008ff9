package org.understudy.replica;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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

/**
 * The standby's replication endpoint: accepts links from every configured primary at once (one thread per link),
 * each applying one volume's frames to its {@link Replica}. A bad connection is closed with a logged reason and
 * never affects the server or other links. Thread-safe.
 */
public final class ReplicaServer implements Closeable {
    private static final Logger LOG = LogManager.getLogger(ReplicaServer.class);

    private final ClusterConfig cluster;
    private final ReplicaOptions options;
    private final ReplicaStore store;
    private final ServerSocketChannel server;
    private final ScheduledExecutorService timer;
    private final Map<ReplicaSession, Thread> sessions = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private ReplicaServer(ClusterConfig cluster, ReplicaOptions options, ReplicaStore store, ServerSocketChannel server) {
        this.cluster = cluster;
        this.options = options;
        this.store = store;
        this.server = server;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-timer");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "replica-accept-" + boundPort());
        acceptor.setDaemon(true);
    }

    /** Opens every replica and listens on {@code options.bind()} or else the cluster's {@code standby.replication}. */
    public static ReplicaServer start(ClusterConfig cluster, ReplicaOptions options) throws IOException {
        Endpoint bind = options.bind() != null ? options.bind() : cluster.standby().replication();
        ReplicaStore store = ReplicaStore.open(cluster, options.wallClock());
        ServerSocketChannel ss = ServerSocketChannel.open();
        try {
            ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ss.bind(new InetSocketAddress(bind.host(), bind.port()), 64);
        } catch (IOException e) {
            ss.close();
            store.close();
            throw new IOException("cannot listen for replication on " + bind + ": " + e.getMessage(), e);
        }
        ReplicaServer s = new ReplicaServer(cluster, options, store, ss);
        s.acceptor.start();
        LOG.info("standby {}: replication listening on {}:{} for {} replicas", cluster.standby().name(), bind.host(),
                s.boundPort(), store.all().size());
        return s;
    }

    /** The port actually bound (useful when asked for port 0). */
    public int boundPort() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    public ReplicaStore store() {
        return store;
    }

    /** Every configured replica, connected or not. */
    public List<VolumeSnapshot> snapshots() {
        List<VolumeSnapshot> out = new ArrayList<>();
        for (Replica r : store.all()) {
            ReplicaSession s = r.attachedSession();
            boolean up = s != null && !s.isClosed() && s.replica() == r;
            MirrorState state;
            if (r.syncing() && up) {
                state = MirrorState.SYNCING;
            } else if (!r.consistent()) {
                state = MirrorState.INCONSISTENT;
            } else {
                state = up ? MirrorState.IN_SYNC : MirrorState.DEGRADED;
            }
            out.add(new VolumeSnapshot(r.primary(), r.volume().name(), r.volume().size(), r.volume().mode(), state,
                    state == MirrorState.IN_SYNC || state == MirrorState.DEGRADED ? 100.0 : r.syncPercent(),
                    r.bytesApplied.get(), r.writesApplied.get(), LatencySummary.EMPTY, -1, 0, 0, 0, 0,
                    r.identity().isFresh() ? "" : r.identity().current().toString(), org.understudy.model.VerifySummary.NONE));
        }
        return out;
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
            SocketChannel ch;
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
            ReplicaSession session = new ReplicaSession(cluster, store, options, ch, timer);
            Thread t = new Thread(() -> {
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                }
            }, "replica-link-" + session.remote());
            t.setDaemon(true);
            sessions.put(session, t);
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
        store.close();
        LOG.info("standby {}: replication server closed", cluster.standby().name());
    }
}
