package org.understudy.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * One end of a reliable, ordered, two-way byte stream: what a replication link runs over. It is a
 * {@link java.nio.channels.SocketChannel} in blocking mode reduced to what the link uses, so the TCP implementation
 * is the socket itself and frames travel without a copy:
 * <ul>
 * <li>{@code read} blocks until at least one byte arrived and returns how many, or -1 once the peer closed its end
 *     and every byte it sent was read; the scattering form fills its buffers in order;</li>
 * <li>{@code write} blocks until buffer space takes the bytes; the gathering form takes a header and its payload in
 *     one call, but like a socket's may take fewer bytes than offered (callers loop while bytes remain);</li>
 * <li>{@link #close} from any thread ends the connection: a read or write blocked in another thread throws
 *     {@link java.nio.channels.AsynchronousCloseException}, later calls {@link java.nio.channels.ClosedChannelException}.
 *     That is how the link's time-outs act: a timer closes the connection.</li>
 * </ul>
 * A connection that failed or was reset throws {@link IOException} from the call that learns of it.
 *
 * <p>Implementations: {@link TcpStreamTransport} (a {@code SocketChannel}), {@link InMemoryStreams} (tests) and the
 * fault decorator {@link FaultyStreamTransport}. Thread-safety as a socket's: one reader and one writer at a time
 * (concurrent writers are serialized, never interleaved within a call), {@link #close} and {@link #available} from any
 * thread.
 */
public interface StreamConnection extends ByteChannel, ScatteringByteChannel, GatheringByteChannel {

    /**
     * Bytes that a read would return now without blocking, as far as this end knows (over TCP, what the socket has
     * received and not yet delivered); 0 when nothing is waiting or the connection is closed.
     */
    int available() throws IOException;

    /** The peer's address, for log lines; null when unknown. */
    SocketAddress remoteAddress();

    /**
     * True when {@code e} says the connection was reset (a TCP RST from the peer or the network, or its in-memory
     * equivalent), as the JDK words it: a close by the other end, not by this one.
     */
    static boolean isReset(IOException e) {
        return e instanceof java.net.SocketException && e.getMessage() != null
                && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connection reset");
    }
}
