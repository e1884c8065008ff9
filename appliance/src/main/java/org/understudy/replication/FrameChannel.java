package org.understudy.replication;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.zip.CRC32C;
import org.understudy.transport.BufferPool;
import org.understudy.transport.StreamConnection;

/**
 * Blocking frame I/O over one connection: a buffered reader of frames and a writer of small frames (handshake, ACK,
 * ERROR, control). Small frames are read many per system call into one read buffer and handed out as views of it; a
 * payload of {@value #OWN_BUFFER_MIN} bytes or more is read straight into a pooled direct buffer of its own (only the
 * part already buffered is copied), checked there and handed out {@linkplain Frame#owned owned}, so the reader may
 * pass it to another thread and give it back with {@link #release}. The read buffer stays small however large the
 * negotiated frames are. Reading is for one thread at a time; {@link #write} is synchronized so an ack writer and an
 * error path may share it. The primary's data sender bypasses this class to write large payloads without copying.
 */
public final class FrameChannel implements Closeable {
    /** Payloads from this size up are read into a buffer of their own. */
    public static final int OWN_BUFFER_MIN = 64 * 1024;
    /**
     * The read buffer once a frame needs more than the initial one: many small frames per read, and always room for
     * one frame below {@link #OWN_BUFFER_MIN}.
     */
    static final int READ_BUFFER = 256 * 1024;
    /** Read buffer of a new or idle link: two handshake-sized frames (a 4 KiB write fits). */
    static final int INITIAL_IN = 2 * (FrameCodec.HEADER_SIZE + FrameCodec.HANDSHAKE_MAX_PAYLOAD);

    private final ByteChannel channel;
    /** The same connection as a stream, when it is one: it can tell whether more input waits. */
    private final StreamConnection stream;
    /** Where owned payloads come from; null: allocated each time (a link that rarely receives large frames). */
    private final BufferPool pool;
    /**
     * Small until a frame needs more, and given back on an idle link ({@link #releaseIdleBuffer}): a standby holds
     * hundreds of links, and a large buffer each from the handshake on would be megabytes of native memory per primary.
     */
    private ByteBuffer in = ByteBuffer.allocateDirect(INITIAL_IN).flip();
    /** A read-only view of {@link #in}, positioned on the current frame's payload by {@link #next}. */
    private ByteBuffer view = in.asReadOnlyBuffer();
    /** The reader's checksum, reset per frame. */
    private final CRC32C readCrc = new CRC32C();
    /** The writer's checksum (under this object's monitor). */
    private final CRC32C writeCrc = new CRC32C();
    /** The frame {@link #next} read last: its header fields and its payload (a view, or an owned buffer). */
    private FrameType type;
    private int flags;
    private long seq;
    private long offset;
    private long length;
    private ByteBuffer payload;
    private boolean owned;
    /** The header of the owned frame being read, kept for its CRC while the read buffer moves on. */
    private final ByteBuffer ownedHeader = ByteBuffer.allocateDirect(FrameCodec.HEADER_SIZE);
    private final ByteBuffer out = ByteBuffer.allocateDirect(FrameCodec.HEADER_SIZE + FrameCodec.HANDSHAKE_MAX_PAYLOAD);
    private final ByteBuffer[] pair = new ByteBuffer[2];
    private int maxPayload = FrameCodec.HANDSHAKE_MAX_PAYLOAD;
    /**
     * The last frame was owned: the next is likely large too, so the next fill reads only its header and its payload
     * goes straight to its own buffer instead of partly through the read buffer.
     */
    private boolean headerFirst;

    /** Frames over a replication link's connection; large payloads come from {@code pool} (null: allocated). */
    public FrameChannel(StreamConnection connection, BufferPool pool) {
        this(connection, connection, pool);
    }

    /** Frames over a replication link's connection that seldom receives a large payload. */
    public FrameChannel(StreamConnection connection) {
        this(connection, connection, null);
    }

    /** Frames over any channel (a hand-driven peer in tests); {@link #inputWaiting} then knows only its buffer. */
    public FrameChannel(ByteChannel channel) {
        this(channel, null, null);
    }

    /** Like {@link #FrameChannel(ByteChannel)}, large payloads from {@code pool}. */
    public FrameChannel(ByteChannel channel, BufferPool pool) {
        this(channel, null, pool);
    }

    private FrameChannel(ByteChannel channel, StreamConnection stream, BufferPool pool) {
        this.channel = channel;
        this.stream = stream;
        this.pool = pool;
    }

    public ByteChannel channel() {
        return channel;
    }

    /** The largest payload accepted. */
    public int maxPayloadSize() {
        return maxPayload;
    }

    /** Raises the largest payload accepted (after negotiation). */
    public void maxPayload(int max) {
        this.maxPayload = max;
    }

    /**
     * Gives the read buffer back when it holds nothing and was grown; the next frame that needs it grows it again.
     * Called when the peer says the link is idle (a KEEPALIVE), so a burst's buffer does not stay for good.
     */
    public void releaseIdleBuffer() {
        if (!in.hasRemaining() && in.capacity() > INITIAL_IN) {
            in = ByteBuffer.allocateDirect(INITIAL_IN).flip();
            view = in.asReadOnlyBuffer();
        }
    }

    /** The read buffer's size now (for tests of the memory a link holds). */
    int readBufferCapacity() {
        return in.capacity();
    }

    /**
     * Reads the next frame, blocking until it is complete. A view payload is valid until the next call; an owned one
     * until {@link #release}.
     *
     * @throws EOFException      the peer closed the connection between frames
     * @throws ProtocolException a bad frame, or the connection closed in the middle of one (truncated)
     */
    public Frame read() throws IOException {
        next();
        // a payload of its own, at position 0, that stays put however the caller moves it
        ByteBuffer p = owned ? payload : payload.slice();
        return new Frame(type, flags, seq, offset, length, p, owned);
    }

    /**
     * Reads the next frame like {@link #read} but makes no object of it: its fields are this channel's {@link #type},
     * {@link #flags}, {@link #seq}, {@link #offset}, {@link #length}, {@link #payload} and {@link #owned} until the
     * next call. For the loops that read a frame per write (the standby's apply loop, the primary's ACK reader).
     */
    public FrameType next() throws IOException {
        while (true) {
            if (in.remaining() >= FrameCodec.HEADER_SIZE) {
                int at = in.position();
                int n = FrameCodec.checkHeader(in, at, maxPayload);
                if (n >= OWN_BUFFER_MIN) {
                    return readOwned(n);
                }
                headerFirst = false;
                int total = FrameCodec.HEADER_SIZE + n;
                if (in.remaining() >= total) {
                    FrameCodec.verify(readCrc, in, at, in, at + FrameCodec.HEADER_SIZE, n);
                    current(in, at, false);
                    view.clear().position(at + FrameCodec.HEADER_SIZE).limit(at + total);
                    payload = view;
                    in.position(at + total);
                    return type;
                }
                if (total > in.capacity()) {
                    grow();
                }
            }
            fill();
        }
    }

    /** The current frame's fields, from its checked header at {@code h}'s index {@code at}. */
    private void current(ByteBuffer h, int at, boolean ownedPayload) {
        type = FrameCodec.type(h, at);
        flags = FrameCodec.flags(h, at);
        seq = FrameCodec.seq(h, at);
        offset = FrameCodec.offset(h, at);
        length = FrameCodec.length(h, at);
        owned = ownedPayload;
    }

    /** The type of the frame {@link #next} read. */
    public FrameType type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public long seq() {
        return seq;
    }

    public long offset() {
        return offset;
    }

    /** The extent length: the payload length for WRITE, the range length for ZERO, 0 otherwise. */
    public long length() {
        return length;
    }

    /**
     * The payload of the frame {@link #next} read, position to limit (not necessarily at position 0): a read-only view
     * valid until the next call, or, when {@link #owned}, a pooled buffer of its own to give back with {@link
     * #release(ByteBuffer)}.
     */
    public ByteBuffer payload() {
        return payload;
    }

    public boolean owned() {
        return owned;
    }

    private FrameType readOwned(int n) throws IOException {
        ownedHeader.clear();
        ownedHeader.put(0, in, in.position(), FrameCodec.HEADER_SIZE);
        in.position(in.position() + FrameCodec.HEADER_SIZE);
        ByteBuffer p = pool != null ? pool.acquire(n) : ByteBuffer.allocateDirect(n);
        try {
            int buffered = Math.min(in.remaining(), n);
            p.put(0, in, in.position(), buffered).position(buffered);
            in.position(in.position() + buffered);
            while (p.hasRemaining()) {
                if (channel.read(p) < 0) {
                    throw new ProtocolException("connection closed in the middle of a frame (" + p.position()
                            + " of its " + n + " payload bytes received)");
                }
            }
            p.flip();
            FrameCodec.verify(readCrc, ownedHeader, 0, p, 0, n);
        } catch (IOException | RuntimeException e) {
            if (pool != null) {
                pool.release(p);
            }
            throw e;
        }
        headerFirst = true;
        current(ownedHeader, 0, true);
        payload = p;
        return type;
    }

    /** Gives an owned frame's payload back to the pool (a view frame: nothing to do). Any thread. */
    public void release(Frame f) {
        if (f.owned() && pool != null) {
            pool.release(f.payload());
        }
    }

    /** Gives an {@link #owned} payload of {@link #next} back to the pool. Any thread. */
    public void release(ByteBuffer ownedPayload) {
        if (pool != null) {
            pool.release(ownedPayload);
        }
    }

    /** Whether a complete frame (by its declared length) is already buffered, so reading it will not block. */
    public boolean hasBufferedFrame() {
        if (in.remaining() < FrameCodec.HEADER_SIZE) {
            return false;
        }
        long len = in.getInt(in.position() + 32) & 0xffffffffL;
        return in.remaining() >= FrameCodec.HEADER_SIZE + len;
    }

    /**
     * Whether reading the next frame would find input at once: a complete frame is buffered, or the connection already
     * holds more bytes. The standby acknowledges a batch of frames when this turns false.
     */
    public boolean inputWaiting() {
        if (hasBufferedFrame()) {
            return true;
        }
        if (stream == null) {
            return false;
        }
        try {
            return stream.available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends one frame with a small payload (at most {@link FrameCodec#HANDSHAKE_MAX_PAYLOAD} bytes). */
    public synchronized void write(FrameType type, int flags, long seq, ByteBuffer payload) throws IOException {
        out.clear();
        FrameCodec.encode(out, type, flags, seq, 0, 0, payload, writeCrc);
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /**
     * Sends one frame with a payload of any negotiated size (a READ_DATA reply): header and payload in one gathering
     * write, the payload not copied.
     */
    public synchronized void writeLarge(FrameType type, int flags, long seq, long offset, ByteBuffer payload)
            throws IOException {
        writeCrc.reset();
        writeCrc.update(payload.duplicate());
        out.clear();
        FrameCodec.writeHeader(out, type, flags, seq, offset, 0, payload.remaining(), writeCrc);
        pair[0] = out.flip();
        pair[1] = payload.duplicate();
        try {
            if (channel instanceof GatheringByteChannel g) {
                while (pair[1].hasRemaining() || pair[0].hasRemaining()) {
                    g.write(pair);
                }
            } else {
                for (ByteBuffer b : pair) {
                    while (b.hasRemaining()) {
                        channel.write(b);
                    }
                }
            }
        } finally {
            pair[1] = null;
        }
    }

    /** The initial buffer cannot hold the next frame: the full read buffer, with what was already read. */
    private void grow() {
        ByteBuffer bigger = ByteBuffer.allocateDirect(READ_BUFFER);
        bigger.put(in).flip();
        in = bigger;
        view = in.asReadOnlyBuffer();
    }

    private void fill() throws IOException {
        in.compact();
        if (headerFirst && in.position() < FrameCodec.HEADER_SIZE) {
            in.limit(FrameCodec.HEADER_SIZE);
        }
        int n;
        try {
            n = channel.read(in);
        } finally {
            in.flip();
        }
        if (n < 0) {
            if (in.hasRemaining()) {
                throw new TruncatedFrameException("connection closed in the middle of a frame (" + in.remaining()
                        + " bytes of it received)");
            }
            throw new EOFException("connection closed by peer");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
