package org.understudy.replication;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import org.understudy.transport.StreamConnection;

/**
 * Blocking frame I/O over one connection: a buffered reader of frames and a writer of small frames (handshake, ACK,
 * ERROR, control). Reading is for one thread at a time; {@link #write} is synchronized so an ack writer and an error
 * path may share it. The primary's data sender bypasses this class to write large payloads without copying.
 */
public final class FrameChannel implements Closeable {
    private final ByteChannel channel;
    /** The same connection as a stream, when it is one: it can tell whether more input waits. */
    private final StreamConnection stream;
    private ByteBuffer in;
    private final ByteBuffer out = ByteBuffer.allocateDirect(FrameCodec.HEADER_SIZE + FrameCodec.HANDSHAKE_MAX_PAYLOAD);
    private int maxPayload = FrameCodec.HANDSHAKE_MAX_PAYLOAD;
    /** Read buffer of a new or idle link: two handshake-sized frames (a 4 KiB write fits). */
    private static final int INITIAL_IN = 2 * (FrameCodec.HEADER_SIZE + FrameCodec.HANDSHAKE_MAX_PAYLOAD);

    /** Frames over a replication link's connection. */
    public FrameChannel(StreamConnection connection) {
        this(connection, connection);
    }

    /** Frames over any channel (a hand-driven peer in tests); {@link #inputWaiting} then knows only its buffer. */
    public FrameChannel(ByteChannel channel) {
        this(channel, null);
    }

    private FrameChannel(ByteChannel channel, StreamConnection stream) {
        this.channel = channel;
        this.stream = stream;
        this.in = ByteBuffer.allocateDirect(INITIAL_IN).flip();
    }

    public ByteChannel channel() {
        return channel;
    }

    /** The largest payload accepted. */
    public int maxPayloadSize() {
        return maxPayload;
    }

    /**
     * Raises the largest payload accepted (after negotiation). The read buffer is not grown here but by the frames
     * that need it ({@link #read}), so a link that only ever carries small writes keeps a small buffer: a standby
     * holds hundreds of links, and two negotiated frames each would be megabytes of native memory per volume.
     */
    public void maxPayload(int max) {
        this.maxPayload = max;
    }

    /**
     * Gives the read buffer back when it holds nothing and was grown for large frames; the next large frame grows it
     * again. Called when the peer says the link is idle (a KEEPALIVE), so a burst's buffer does not stay for good.
     */
    public void releaseIdleBuffer() {
        if (!in.hasRemaining() && in.capacity() > INITIAL_IN) {
            in = ByteBuffer.allocateDirect(INITIAL_IN).flip();
        }
    }

    /** Capacity of the read buffer now, for tests and figures. */
    public int readBufferCapacity() {
        return in.capacity();
    }

    /** Makes room for the frame whose header is buffered: at least the whole frame, doubling, at most two frames. */
    private void growForFrame() {
        if (in.remaining() < FrameCodec.HEADER_SIZE) {
            return;
        }
        long len = in.getInt(in.position() + 32) & 0xffffffffL;
        if (len > maxPayload) {
            return; // decode refuses it
        }
        int frame = (int) (FrameCodec.HEADER_SIZE + len);
        if (frame <= in.capacity()) {
            return;
        }
        int want = Math.max(frame, Math.min(2 * in.capacity(), 2 * (FrameCodec.HEADER_SIZE + maxPayload)));
        ByteBuffer bigger = ByteBuffer.allocateDirect(want);
        bigger.put(in);
        in = bigger.flip();
    }

    /**
     * Reads the next frame, blocking until it is complete. Its payload is valid until the next call.
     *
     * @throws EOFException      the peer closed the connection between frames
     * @throws ProtocolException a bad frame, or the connection closed in the middle of one (truncated)
     */
    public Frame read() throws IOException {
        while (true) {
            Frame f = FrameCodec.decode(in, maxPayload);
            if (f != null) {
                return f;
            }
            growForFrame();
            fill();
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
        FrameCodec.encode(out, type, flags, seq, 0, 0, payload);
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** Sends one frame with a payload of any negotiated size (a READ_DATA reply), without copying the payload. */
    public synchronized void writeLarge(FrameType type, int flags, long seq, long offset, ByteBuffer payload)
            throws IOException {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(payload.duplicate());
        ByteBuffer header = ByteBuffer.allocate(FrameCodec.HEADER_SIZE);
        FrameCodec.writeHeader(header, type, flags, seq, offset, 0, payload.remaining(), crc);
        header.flip();
        ByteBuffer body = payload.duplicate();
        while (header.hasRemaining()) {
            channel.write(header);
        }
        while (body.hasRemaining()) {
            channel.write(body);
        }
    }

    private void fill() throws IOException {
        in.compact();
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
