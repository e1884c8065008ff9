package org.understudy.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The production {@link StreamTransport}: TCP in blocking mode, each connection a thin wrapper over its
 * {@link SocketChannel} that makes exactly the socket's own calls (a gathering write is one {@code writev}, a read one
 * {@code read}; no copy, no thread of its own). A connection this side opens gets {@code TCP_NODELAY} and the buffer
 * sizes given here (by default a 4 MiB send buffer and a 1 MiB receive buffer: a primary ships data and hears short
 * ACKs); an accepted one gets {@code TCP_NODELAY} and the listening socket's buffers; a listening socket reuses its
 * address. Immutable and thread-safe.
 */
public final class TcpStreamTransport implements StreamTransport {
    /** Send buffer of a connection this side opens: room for several frames in flight. */
    public static final int SEND_BUFFER = 4 << 20;
    /** Receive buffer of a connection this side opens. */
    public static final int RECEIVE_BUFFER = 1 << 20;

    private final int sendBuffer;
    private final int receiveBuffer;

    /** TCP with the replication link's buffer sizes. */
    public TcpStreamTransport() {
        this(SEND_BUFFER, RECEIVE_BUFFER);
    }

    public TcpStreamTransport(int sendBuffer, int receiveBuffer) {
        this.sendBuffer = sendBuffer;
        this.receiveBuffer = receiveBuffer;
    }

    @Override
    public StreamConnection connect(InetSocketAddress remote, Duration timeout) throws IOException {
        SocketChannel socket = SocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            socket.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
            socket.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            socket.socket().connect(remote, (int) timeout.toMillis());
            return new Tcp(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public StreamListener listen(InetSocketAddress local, int backlog) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(local, backlog);
            return new Listener(server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "tcp";
    }

    /** A listening socket. */
    private static final class Listener implements StreamListener {
        private final ServerSocketChannel server;

        Listener(ServerSocketChannel server) {
            this.server = server;
        }

        @Override
        public StreamConnection accept() throws IOException {
            SocketChannel socket = server.accept();
            try {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                return new Tcp(socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            try {
                return (InetSocketAddress) server.getLocalAddress();
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** One connected socket; every call is the socket's own. */
    private static final class Tcp implements StreamConnection {
        private final SocketChannel socket;
        /** The socket's stream view, only for {@link #available} (FIONREAD); made on first use by the reader. */
        private InputStream input;

        Tcp(SocketChannel socket) {
            this.socket = socket;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return socket.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return socket.read(dsts, offset, length);
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return socket.read(dsts);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return socket.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return socket.write(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return socket.write(srcs);
        }

        @Override
        public int available() throws IOException {
            if (input == null) {
                input = socket.socket().getInputStream();
            }
            return input.available();
        }

        @Override
        public SocketAddress remoteAddress() {
            return socket.socket().getRemoteSocketAddress();
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public String toString() {
            return "tcp:" + remoteAddress();
        }
    }
}
