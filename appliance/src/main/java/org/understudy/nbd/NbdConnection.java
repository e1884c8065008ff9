package org.understudy.nbd;

import org.understudy.transport.BufferPool;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.BlockDevice;
import org.understudy.transport.OutputBatch;

/**
 * One client connection: handshake (blocking socket), then the transmission phase on a non-blocking socket. The thread
 * holding the reader role parses requests and reads WRITE payloads into pooled direct buffers, waiting for data on a
 * selector of its own after reading on for a moment ({@link ReadSpin}). A WRITE without FUA to a device that completes
 * writes later (a mirrored volume: {@link BlockDevice#completesWritesLater}) is started through
 * {@link BlockDevice#writeAsync}, right there, or on a pooled thread when it is large, travels to a standby and the
 * client pipelines ({@link WritePlacement}); the thread that completes it (the link's ACK reader, or the starting
 * thread when nothing waits for a standby) sends the reply itself through the connection's {@link ReplyQueue}, which
 * never waits for the client: what the socket does not take at once the server's {@link ReplyFlusher} finishes. Any
 * other request that arrives while nothing is in flight runs on the reader's thread (no hop before the device at queue
 * depth 1) while another pooled thread takes over reading, otherwise it goes to a pooled worker; an unmirrored FLUSH of
 * a client that does not pipeline runs on the reader's thread with no other taking over ({@link FlushPlacement}).
 * Replies may go out of order, each whole. In-flight requests and bytes are bounded by semaphores whose permits come
 * back only when the reply is out, so a client that pipelines without reading its replies stops being read instead of
 * exhausting memory. {@link #close()} is thread-safe; the reader role is held by one thread at a time and handed over
 * through the executor, which orders its buffer state between holders.
 */
final class NbdConnection implements Runnable {
    private static final Logger LOG = LogManager.getLogger(NbdConnection.class);
    /** A write this small whose request and payload are already buffered behind one may share its link write. */
    private static final int HELD_WRITE_MAX = 128 * 1024;

    private final SocketChannel ch;
    private final NbdExports exports;
    private final BufferPool pool;
    private final Executor workers;
    private final NbdServer.Limits limits;
    private final Runnable onEnd;
    private final String remote;
    private final Semaphore requestPermits;
    private final Semaphore bytePermits;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Where this connection's FLUSHes run, from how long the last took. */
    private final FlushPlacement flushes = new FlushPlacement();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReplyQueue replies;
    /** The replies of writes in flight, and idle ones for the next writes. */
    private final WriteReplies writeReplies;
    /** Where the reader waits for request bytes once the socket is non-blocking; null while negotiating. */
    private volatile Selector readable;
    /** Bytes read from the socket and not yet parsed (read mode); owned by the thread holding the reader role. */
    private final ByteBuffer inbuf = ByteBuffer.allocateDirect(64 << 10).flip();
    private volatile String exportName;
    private volatile BlockDevice device;
    private String tag;
    /**
     * The reader started a write telling the device more follow at once: before it waits for anything (the socket,
     * permits, another thread) it has the device send what it held ({@link #sendHeld}). Owned by the reader role.
     */
    private boolean held;
    /**
     * The replies of writes that complete while the reader starts them (no standby to wait for, or its ACK already in)
     * are held in this batch while the reader goes on with requests already buffered, and leave together in one socket
     * write when it next waits or lets go of its role ({@link #sendHeld}): a client at queue depth 16 is sent and woken
     * once per read of requests instead of once per write. Open while {@link #batching}; owned by the reader role.
     */
    private final OutputBatch replyBatch = new OutputBatch();
    private boolean batching;
    /** The reader had to wait for the socket since the current request's header was asked for. Reader role's. */
    private boolean waited;
    /** {@link #requestWaiting}, made once: asked per large write, allocating nothing. */
    private final BooleanSupplier nextWaiting = this::requestWaiting;

    NbdConnection(SocketChannel ch, NbdExports exports, BufferPool pool, Executor workers, ReplyFlusher flusher,
                  NbdServer.Limits limits, String remote, Runnable onEnd) {
        this.ch = ch;
        this.exports = exports;
        this.pool = pool;
        this.workers = workers;
        this.limits = limits;
        this.remote = remote;
        this.onEnd = onEnd;
        this.requestPermits = new Semaphore(limits.maxInFlightRequests());
        this.bytePermits = new Semaphore(limits.maxInFlightBytes());
        this.tag = "nbd[-] " + remote;
        this.replies = new ReplyQueue(ch, flusher, this::replied, this::replyFailed);
        this.writeReplies = new WriteReplies(replies, limits.maxInFlightRequests(), () -> tag);
    }

    /** The export this connection serves, or null while still negotiating. */
    String exportName() {
        return exportName;
    }

    @Override
    public void run() {
        boolean transmitting = false;
        try {
            Optional<NbdNegotiation.Chosen> chosen = new NbdNegotiation(ch, exports, remote, n -> exportName = n).run();
            if (chosen.isPresent()) {
                device = chosen.get().device();
                tag = "nbd[" + exportName + "] " + remote;
                // an export withdrawn while this client negotiated: closeConnections may have missed this connection
                if (exports.lookup(exportName).orElse(null) != device) {
                    LOG.warn("{}: export withdrawn during the handshake, closing", tag);
                } else {
                    ch.configureBlocking(false);
                    Selector s = Selector.open();
                    try {
                        ch.register(s, SelectionKey.OP_READ);
                    } catch (IOException e) {
                        s.close();
                        throw e;
                    }
                    readable = s;
                    transmitting = !closed.get();
                }
            }
        } catch (IOException | RuntimeException e) {
            logEnd(e);
        }
        if (transmitting) {
            readLoop();
        } else {
            end();
        }
    }

    /**
     * Holds the reader role until the connection ends or the role is handed to another thread (leader/followers):
     * a request that arrives while nothing is in flight runs on the thread that read it, with no hop before the device
     * call, while a pooled thread takes over reading so a slow request never stalls the ones pipelined behind it.
     */
    private void readLoop() {
        boolean handedOver = false;
        try {
            handedOver = transmit();
        } catch (IOException | RuntimeException e) {
            logEnd(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("{}: interrupted, closing", tag);
        }
        if (!handedOver) {
            try {
                sendHeld(); // still the reader: nothing held stays queued behind a connection that ends
            } catch (RuntimeException e) {
                LOG.debug("{}: sending held writes at the end failed: {}", tag, e.toString());
            }
            end();
        }
    }

    private void logEnd(Exception e) {
        if (e instanceof ClosedChannelException || closed.get()) {
            LOG.info("{}: connection closed by the server", tag);
        } else if (e instanceof EOFException) {
            LOG.info("{}: client vanished: {}", tag, e.getMessage());
        } else if (e instanceof IOException) {
            LOG.info("{}: connection lost: {}", tag, e.toString());
        } else if (e instanceof RejectedExecutionException) {
            LOG.info("{}: server shutting down, closing", tag);
        } else {
            LOG.error("{}: unexpected failure, closing connection", tag, e);
        }
    }

    private void end() {
        close();
        Selector s = readable;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("{}: error closing the read selector: {}", tag, e.toString());
            }
        }
        onEnd.run();
    }

    /** Replies that went through the queue because the client's socket was full. */
    long queuedReplies() {
        return replies.queuedTotal();
    }

    /** Socket writes that carried replies to this client. */
    long replyWrites() {
        return replies.writesTotal();
    }

    /** Closes the connection if it has not finished negotiating; returns true when this call closed it. */
    boolean closeIfNegotiating() {
        if (exportName == null && !closed.get()) {
            close();
            return true;
        }
        return false;
    }

    /** Closes the TCP connection now, without NBD_ESHUTDOWN (reconnecting clients carry on elsewhere). Idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("{}: error closing socket: {}", tag, e.toString());
            }
            Selector s = readable;
            if (s != null) {
                s.wakeup(); // a reader waiting for data sees the close (and the socket is released)
            }
            replies.abandon(); // queued replies give their permits back: nobody waits for a closed client
        }
    }

    /** Reads requests; returns true when the reader role was handed to another thread, false when the connection ends. */
    private boolean transmit() throws IOException, InterruptedException {
        while (!closed.get()) {
            waited = false;
            if (!fill(NbdConstants.REQUEST_SIZE)) {
                LOG.info("{}: client closed the connection without DISC", tag);
                return false;
            }
            // the header's fields read in place: the write path below makes no request record
            int at = inbuf.position();
            try {
                NbdRequest.checkMagicAt(inbuf, at);
            } catch (NbdProtocolException e) {
                LOG.warn("{}: closing connection: {}", tag, e.getMessage());
                return false;
            }
            int flags = NbdRequest.flagsAt(inbuf, at);
            int type = NbdRequest.typeAt(inbuf, at);
            long cookie = NbdRequest.cookieAt(inbuf, at);
            long offset = NbdRequest.offsetAt(inbuf, at);
            long length = NbdRequest.lengthAt(inbuf, at);
            boolean headerWasWaiting = !waited;
            inbuf.position(at + NbdConstants.REQUEST_SIZE);
            boolean hasPayload = type == NbdConstants.CMD_WRITE;
            if (type == NbdConstants.CMD_DISC) {
                sendHeld();
                LOG.info("{}: DISC, finishing {} requests in flight", tag, inFlight.get());
                requestPermits.acquire(limits.maxInFlightRequests());
                requestPermits.release(limits.maxInFlightRequests());
                return false;
            }
            if (hasPayload && length > NbdConstants.MAX_PAYLOAD) {
                LOG.warn("{}: closing connection: WRITE payload of {} bytes exceeds the {} byte maximum (cookie {})",
                        tag, length, NbdConstants.MAX_PAYLOAD, cookie);
                return false;
            }
            int bytes = (type == NbdConstants.CMD_READ || hasPayload) && length <= NbdConstants.MAX_PAYLOAD
                    ? (int) length : 0;
            if (!requestPermits.tryAcquire()) {
                sendHeld();
                requestPermits.acquire();
            }
            if (!bytePermits.tryAcquire(bytes)) {
                sendHeld();
                bytePermits.acquire(bytes);
            }
            ByteBuffer payload = null;
            if (hasPayload && bytes > 0) {
                payload = pool.acquire(bytes);
                try {
                    int buffered = Math.min(inbuf.remaining(), bytes);
                    if (buffered > 0) {
                        // an absolute copy: no view of the read buffer per request
                        payload.put(0, inbuf, inbuf.position(), buffered).position(buffered);
                        inbuf.position(inbuf.position() + buffered);
                    }
                    if (payload.hasRemaining()) {
                        sendHeld();
                        while (payload.hasRemaining()) {
                            if (read(payload) < 0) {
                                throw new EOFException("peer closed before " + payload.remaining() + " expected bytes");
                            }
                        }
                    }
                } catch (IOException e) {
                    pool.release(payload);
                    release(bytes);
                    throw new EOFException("client vanished in the middle of a " + bytes + " byte WRITE payload ("
                            + e.getMessage() + ")");
                }
                payload.flip();
            }
            ByteBuffer p = payload;
            if (type == NbdConstants.CMD_WRITE && (flags & NbdConstants.CMD_FLAG_FUA) == 0
                    && device.completesWritesLater()) {
                int others = inFlight.getAndIncrement();
                if (!WritePlacement.pooled(bytes, device.writesTravel(), others, headerWasWaiting, nextWaiting)) {
                    boolean more = NbdRequest.bufferedWriteFollows(inbuf, HELD_WRITE_MAX);
                    if (!batching) {
                        replyBatch.open();
                        batching = true;
                    }
                    startWrite(flags, cookie, offset, length, p, bytes, more);
                    held |= more;
                } else {
                    sendHeld();
                    // a pooled thread starts it, so the reader goes on with the next payload meanwhile
                    dispatch(() -> startWrite(flags, cookie, offset, length, p, bytes, false), p, bytes);
                }
                continue;
            }
            NbdRequest req = new NbdRequest(flags, type, cookie, offset, length);
            sendHeld();
            if (inFlight.getAndIncrement() == 0) {
                if (type == NbdConstants.CMD_FLUSH
                        && flushes.onReader(device.writesTravel(), headerWasWaiting, nextWaiting)) {
                    execute(req, p, bytes); // the reader keeps its role: see FlushPlacement
                    continue;
                }
                dispatch(this::readLoop, p, bytes);
                execute(req, p, bytes);
                return true;
            }
            dispatch(() -> execute(req, p, bytes), p, bytes);
        }
        return false;
    }

    /** Hands {@code task} to a pooled thread; if the pool refuses (the server stops), gives the request's resources back. */
    private void dispatch(Runnable task, ByteBuffer payload, int bytes) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            pool.release(payload);
            release(bytes);
            throw e;
        }
    }

    /**
     * Makes at least {@code n} unread bytes available in {@link #inbuf}, reading whatever the socket has (so a small
     * WRITE's header and payload usually arrive in one system call). Returns false on EOF at a request boundary.
     */
    private boolean fill(int n) throws IOException {
        if (inbuf.remaining() >= n) {
            return true;
        }
        sendHeld();
        inbuf.compact();
        try {
            while (inbuf.position() < n) {
                if (read(inbuf) < 0) {
                    if (inbuf.position() == 0) {
                        return false;
                    }
                    throw new EOFException("peer closed after " + inbuf.position() + " bytes of a " + n + " byte request header");
                }
            }
        } finally {
            inbuf.flip();
        }
        return true;
    }

    /**
     * True when bytes of a next request are already buffered or in the socket: one read that does not wait, whose
     * bytes stay in {@link #inbuf} for the next request. A failed read counts as nothing waiting: the next fill
     * meets the failure again and ends the connection, after this write is started.
     */
    private boolean requestWaiting() {
        if (inbuf.hasRemaining()) {
            return true;
        }
        inbuf.clear(); // nothing unparsed: the whole buffer is free
        try {
            return ch.read(inbuf) > 0; // an EOF is seen again by the next fill
        } catch (IOException e) {
            return false;
        } finally {
            inbuf.flip();
        }
    }

    /**
     * Reads what the socket has, waiting until it has something: at least one byte, or -1 at EOF. With at most one
     * request in flight it reads on for a moment before sleeping on the selector ({@link ReadSpin#nanosFor}).
     */
    private int read(ByteBuffer dst) throws IOException {
        int n;
        while ((n = ch.read(dst)) == 0) {
            waited = true; // spinning is waiting too: a request caught so came after the reader asked
            if ((n = ReadSpin.read(ch, dst, ReadSpin.nanosFor(inFlight.get()))) != 0) {
                return n;
            }
            readable.select(NbdConnection::ignore);
            if (closed.get()) {
                throw new ClosedChannelException();
            }
        }
        return n;
    }

    private static void ignore(SelectionKey key) {
        // level-triggered: the read that follows takes what made the key ready
    }

    /**
     * Before the reader waits for anything (the socket, permits, another thread) or lets go of its role: the device
     * sends the writes the reader held back, and the replies held in {@link #replyBatch} go out (they keep their
     * requests' permits until then, and the client waits for them).
     */
    private void sendHeld() {
        if (held) {
            held = false;
            device.sendHeld();
        }
        if (batching) {
            batching = false;
            replyBatch.close();
        }
    }

    private void release(int bytes) {
        bytePermits.release(bytes);
        requestPermits.release();
    }

    private void execute(NbdRequest req, ByteBuffer payload, int bytes) {
        ByteBuffer readData = null;
        int error;
        try {
            error = RequestChecks.check(req, device, tag);
            if (error == 0) {
                readData = DeviceCalls.perform(req, payload, device, pool, flushes);
            }
        } catch (IOException | RuntimeException e) {
            error = RequestChecks.errno(req, e, tag);
        } finally {
            pool.release(payload);
        }
        if (error != 0 && readData != null) {
            pool.release(readData);
            readData = null;
        }
        replies.send(error, req.cookie(), readData, readData, bytes);
    }

    /** A reply is out (or given up): its buffer and its request's permits come back. */
    private void replied(ByteBuffer buf, int bytes) {
        pool.release(buf);
        inFlight.decrementAndGet();
        release(bytes);
    }

    private void replyFailed(IOException e) {
        if (!closed.get()) {
            LOG.info("{}: could not send a reply: {}", tag, e.toString());
            close();
        }
    }

    /**
     * Starts a WRITE. Whichever thread completes it (this one when no link is waited for, else the link's ACK reader)
     * sends its reply, without waiting for the client.
     */
    private void startWrite(int flags, long cookie, long offset, long length, ByteBuffer payload, int bytes,
                            boolean moreFollow) {
        int error = RequestChecks.check(flags, NbdConstants.CMD_WRITE, cookie, offset, length, device, tag);
        if (error != 0 || payload == null) {
            replies.send(error, cookie, null, payload, bytes);
            return;
        }
        boolean fua = (flags & NbdConstants.CMD_FLAG_FUA) != 0;
        device.writeAsync(offset, payload, fua, moreFollow, writeReplies.acquire(flags, cookie, offset, length,
                payload, bytes));
    }
}
