package org.understudy.nbd;

import org.understudy.transport.BufferPool;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Serves {@link org.understudy.storage.BlockDevice}s as NBD exports (fixed newstyle handshake, simple replies, READ,
 * WRITE, FLUSH, TRIM, WRITE_ZEROES, FUA, DISC; replies may go out of order). Exports are looked up by name through
 * {@link NbdExports} at each negotiation, so they may change at run time. One platform thread accepts, one reads per
 * connection at a time (see {@code NbdConnection}); requests run on pooled platform threads; replies go out from the
 * thread that has them, without waiting, and one thread per server finishes those a client's full socket did not take
 * at once ({@code ReplyFlusher}). Thread-safe.
 */
public final class NbdServer implements Closeable {
    private static final Logger LOG = LogManager.getLogger(NbdServer.class);

    /**
     * Bounds on work in flight per connection, on time spent negotiating, and on connections at once.
     *
     * @param maxInFlightRequests requests read but not yet answered (at least 1)
     * @param maxInFlightBytes    READ/WRITE payload bytes held for those requests (at least {@link NbdConstants#MAX_PAYLOAD})
     * @param handshakeTimeout    a connection still negotiating after this long is closed, so silent clients cannot
     *                            hold threads for ever
     * @param maxConnections      connections open at once (each holds a reader thread); one more is closed as soon
     *                            as it is accepted, with a log line, so many held sockets cost bounded threads and
     *                            memory and the clients already served keep their speed
     */
    public record Limits(int maxInFlightRequests, int maxInFlightBytes, Duration handshakeTimeout, int maxConnections) {
        /** Connections at once unless the cluster file says otherwise ({@code nbdMaxConnections}). */
        public static final int DEFAULT_MAX_CONNECTIONS = 256;
        /** 128 requests, 64 MiB and 30 s per connection; 256 connections. */
        public static final Limits DEFAULT = new Limits(128, 64 << 20, Duration.ofSeconds(30), DEFAULT_MAX_CONNECTIONS);

        /** Limits with the default number of connections. */
        public Limits(int maxInFlightRequests, int maxInFlightBytes, Duration handshakeTimeout) {
            this(maxInFlightRequests, maxInFlightBytes, handshakeTimeout, DEFAULT_MAX_CONNECTIONS);
        }

        public Limits withMaxConnections(int max) {
            return new Limits(maxInFlightRequests, maxInFlightBytes, handshakeTimeout, max);
        }

        public Limits {
            if (maxInFlightRequests < 1) {
                throw new IllegalArgumentException("maxInFlightRequests must be >= 1, was " + maxInFlightRequests);
            }
            if (maxInFlightBytes < NbdConstants.MAX_PAYLOAD) {
                throw new IllegalArgumentException("maxInFlightBytes must be >= " + NbdConstants.MAX_PAYLOAD + ", was " + maxInFlightBytes);
            }
            if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive, was " + handshakeTimeout);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
            }
        }
    }

    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final NbdExports exports;
    private final Limits limits;
    private final BufferPool pool = new BufferPool();
    /**
     * Platform threads, not virtual: a virtual thread touching a socket channel switches it to non-blocking mode, which
     * adds a poll round trip to every blocking read; the pool is bounded in practice by the in-flight limits.
     */
    private final ExecutorService workers = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("nbd-io-", 0).factory());
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("nbd-housekeeping").factory());
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;
    private final RefusalLog refusals;
    private final ReplyFlusher flusher;

    private NbdServer(ServerSocketChannel server, NbdExports exports, Limits limits) throws IOException {
        this.server = server;
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.exports = exports;
        this.limits = limits;
        this.acceptor = Thread.ofPlatform().daemon().name("nbd-accept-" + address.getPort()).unstarted(this::acceptLoop);
        this.refusals = new RefusalLog("nbd: " + address, System::nanoTime);
        this.flusher = new ReplyFlusher("nbd-replies-" + address.getPort());
    }

    /** Binds {@code bind} (port 0 picks a free port) and starts serving with {@link Limits#DEFAULT}. */
    public static NbdServer start(InetSocketAddress bind, NbdExports exports) throws IOException {
        return start(bind, exports, Limits.DEFAULT);
    }

    /** Binds {@code bind} (port 0 picks a free port) and starts serving. */
    public static NbdServer start(InetSocketAddress bind, NbdExports exports, Limits limits) throws IOException {
        Objects.requireNonNull(exports, "exports");
        Objects.requireNonNull(limits, "limits");
        ServerSocketChannel ssc = ServerSocketChannel.open();
        try {
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ssc.bind(bind, 64);
        } catch (IOException | RuntimeException e) {
            ssc.close();
            throw e;
        }
        NbdServer s;
        try {
            s = new NbdServer(ssc, exports, limits);
        } catch (IOException | RuntimeException e) {
            ssc.close();
            throw e;
        }
        s.acceptor.start();
        LOG.info("nbd: listening on {} (limits {} connections, {} requests / {} bytes in flight per connection, "
                + "handshake within {} ms; a reader reads on {} us before it sleeps and answers an unmirrored FLUSH "
                + "at queue depth 1 itself while the last took at most {} us)", s.address,
                limits.maxConnections(), limits.maxInFlightRequests(), limits.maxInFlightBytes(),
                limits.handshakeTimeout().toMillis(), ReadSpin.NANOS / 1000, FlushPlacement.INLINE_MAX_NANOS / 1000);
        return s;
    }

    /** The bound address (with the real port when 0 was asked). */
    public InetSocketAddress address() {
        return address;
    }

    /** The bound port. */
    public int port() {
        return address.getPort();
    }

    /** Connections refused at the {@link Limits#maxConnections} limit since start. */
    public long refusedConnections() {
        return refusals.total();
    }

    /** Replies that a client's full socket did not take at once, over the open connections (for tests). */
    long queuedReplies() {
        return connections.stream().mapToLong(NbdConnection::queuedReplies).sum();
    }

    /** Socket writes that carried replies, over the connections open now. */
    long replyWrites() {
        return connections.stream().mapToLong(NbdConnection::replyWrites).sum();
    }

    /** Open connections, including those still negotiating. */
    public int connectionCount() {
        return connections.size();
    }

    /** Open connections in the transmission phase on {@code exportName}. */
    public int connectionCount(String exportName) {
        return (int) connections.stream().filter(c -> exportName.equals(c.exportName())).count();
    }

    /** Names of the exports with at least one connection in transmission phase. */
    public List<String> connectedExports() {
        return connections.stream().map(NbdConnection::exportName).filter(Objects::nonNull).distinct().sorted().toList();
    }

    /**
     * Closes every connection serving {@code exportName} by closing TCP, without NBD_ESHUTDOWN, so clients that
     * reconnect carry on against whoever serves the export next (a planned handover). Returns how many were closed.
     * To be sure no client stays connected, first withdraw the export from {@link NbdExports}, then call this: a
     * connection that finishes negotiating concurrently re-checks the export and closes itself.
     */
    public int closeConnections(String exportName) {
        int n = 0;
        for (NbdConnection c : connections) {
            if (exportName.equals(c.exportName())) {
                c.close();
                n++;
            }
        }
        LOG.info("nbd[{}]: closed {} connections for handover", exportName, n);
        return n;
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("nbd: error closing listener {}: {}", address, e.toString());
        }
        int n = connections.size();
        connections.forEach(NbdConnection::close);
        workers.shutdown();
        housekeeping.shutdownNow();
        flusher.close();
        LOG.info("nbd: stopped listening on {}, closed {} connections", address, n);
    }

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.error("nbd: accept on {} failed, no longer listening", address, e);
                }
                return;
            }
            String remote;
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                remote = String.valueOf(ch.getRemoteAddress());
            } catch (IOException e) {
                LOG.info("nbd: connection lost while being accepted: {}", e.toString());
                closeQuietly(ch);
                continue;
            }
            if (connections.size() >= limits.maxConnections()) {
                // at the limit: no thread, no buffer; the client sees the connection closed during the handshake.
                // Counted first, so whoever sees the close also sees it in refusedConnections()
                refusals.refused(remote, connections.size() + " connections open, the limit ("
                        + limits.maxConnections() + ", nbdMaxConnections)");
                closeQuietly(ch);
                continue;
            }
            NbdConnection[] self = new NbdConnection[1];
            NbdConnection c = new NbdConnection(ch, exports, pool, workers, flusher, limits, remote, () -> connections.remove(self[0]));
            self[0] = c;
            connections.add(c);
            if (closed.get()) {
                c.close();
            }
            LOG.debug("nbd: accepted {}", remote);
            try {
                housekeeping.schedule(() -> {
                    if (c.closeIfNegotiating()) {
                        LOG.warn("nbd[-] {}: handshake not finished after {} ms, connection closed", remote,
                                limits.handshakeTimeout().toMillis());
                    }
                }, limits.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                c.close();
            }
            try {
                workers.execute(c);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                c.close();
                connections.remove(c);
            }
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing; nothing more to tell
        }
    }
}
