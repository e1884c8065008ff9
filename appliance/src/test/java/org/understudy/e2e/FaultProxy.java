package org.understudy.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP fault proxy for tests: listens on an ephemeral loopback port and forwards every connection to a target, with
 * switches a test flips while traffic flows: {@link #cut()} (close every connection and refuse new ones),
 * {@link #blackhole(boolean)} (accept and keep connections but forward nothing, like a dead switch), {@link #delay},
 * {@link #drop} (discard one direction), {@link #corruptNext} (flip a byte). Every fault can be bounded in time with
 * {@link #healAfter}. Counts the bytes forwarded in each direction, so tests can measure what crossed the link.
 * Thread-safe; one platform thread per direction per connection.
 */
public final class FaultProxy implements AutoCloseable {

    /** A direction of traffic through the proxy. */
    public enum Direction {
        /** From the connecting side (e.g. the primary) to the target (e.g. the standby). */
        TO_TARGET,
        /** From the target back to the connecting side. */
        TO_CLIENT
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fault-proxy-timer");
        t.setDaemon(true);
        return t;
    });
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition unpaused = lock.newCondition();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong toTarget = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger corruptToTarget = new AtomicInteger();
    private final AtomicInteger corruptToClient = new AtomicInteger();
    private volatile boolean refusing;
    private volatile boolean paused;
    private volatile long delayNanos;
    private volatile boolean dropToTarget;
    private volatile boolean dropToClient;

    private FaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Starts a proxy on 127.0.0.1 (ephemeral port) forwarding to {@code target}. */
    public static FaultProxy start(InetSocketAddress target) throws IOException {
        return start(0, target);
    }

    /** Starts a proxy on 127.0.0.1:{@code port} (0 = ephemeral) forwarding to {@code target}. */
    public static FaultProxy start(int port, InetSocketAddress target) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        FaultProxy p = new FaultProxy(s, target);
        Thread t = new Thread(p::acceptLoop, "fault-proxy-accept-" + s.getLocalPort());
        t.setDaemon(true);
        t.start();
        return p;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes every connection and refuses new ones until {@link #heal()}. */
    public void cut() {
        refusing = true;
        closeConnections();
    }

    /** Accepts but stops forwarding in both directions (data waits in the proxy) while {@code on}. */
    public void blackhole(boolean on) {
        lock.lock();
        try {
            paused = on;
            if (!on) {
                unpaused.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Holds every forwarded chunk for {@code d} before passing it on (zero: no delay). */
    public void delay(Duration d) {
        delayNanos = d.toNanos();
    }

    /** Discards (but reads) everything in {@code direction} while {@code on}. */
    public void drop(Direction direction, boolean on) {
        if (direction == Direction.TO_TARGET) {
            dropToTarget = on;
        } else {
            dropToClient = on;
        }
    }

    /** Flips one byte in each of the next {@code chunks} forwarded chunks of {@code direction}. */
    public void corruptNext(Direction direction, int chunks) {
        (direction == Direction.TO_TARGET ? corruptToTarget : corruptToClient).addAndGet(chunks);
    }

    /** Clears every fault: forwarding resumes, new connections are accepted. Open connections are kept. */
    public void heal() {
        refusing = false;
        delayNanos = 0;
        dropToTarget = false;
        dropToClient = false;
        corruptToTarget.set(0);
        corruptToClient.set(0);
        blackhole(false);
    }

    /** Heals every fault after {@code d}: a fault that never ends cannot hang a test. */
    public void healAfter(Duration d) {
        timer.schedule(this::heal, d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the open connections once (new ones are accepted as before, unless cut). */
    public void closeConnections() {
        for (Socket s : List.copyOf(sockets)) {
            closeQuietly(s);
        }
    }

    /** Bytes forwarded so far in {@code direction}. */
    public long bytes(Direction direction) {
        return direction == Direction.TO_TARGET ? toTarget.get() : toClient.get();
    }

    /** Connections accepted so far (refused ones included). */
    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream, Direction.TO_TARGET);
            pump(upstream, client, Direction.TO_CLIENT);
        }
    }

    private void pump(Socket from, Socket to, Direction dir) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    awaitForwarding();
                    long d = delayNanos;
                    if (d > 0) {
                        TimeUnit.NANOSECONDS.sleep(d);
                    }
                    if (dir == Direction.TO_TARGET ? dropToTarget : dropToClient) {
                        continue;
                    }
                    AtomicInteger corrupt = dir == Direction.TO_TARGET ? corruptToTarget : corruptToClient;
                    if (n > 0 && corrupt.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
                        buf[n / 2] ^= (byte) 0x5a;
                    }
                    // counted before the write: whoever sees the bytes arrive also sees them counted
                    (dir == Direction.TO_TARGET ? toTarget : toClient).addAndGet(n);
                    out.write(buf, 0, n);
                }
            } catch (SocketException e) {
                // closed by a cut or by either end
            } catch (IOException | InterruptedException e) {
                // the connection ends either way
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "fault-proxy-" + dir + "-" + from.getPort());
        t.setDaemon(true);
        t.start();
    }

    private void awaitForwarding() throws InterruptedException {
        if (!paused) {
            return;
        }
        lock.lock();
        try {
            while (paused && !closed.get()) {
                unpaused.await(100, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            closeConnections();
            blackhole(false);
            timer.shutdownNow();
        }
    }
}
