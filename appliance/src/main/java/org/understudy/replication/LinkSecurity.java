package org.understudy.replication;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * The seam where transport security plugs into a replication link: given the connected TCP channel, returns the
 * channel frames travel over. {@link #PLAIN} passes the socket through (the HMAC handshake still authenticates both
 * ends); a TLS implementation would return an {@code SSLEngine}-backed channel. Implementations are thread-safe.
 */
public interface LinkSecurity {
    /** No transport encryption. */
    LinkSecurity PLAIN = new LinkSecurity() {
        @Override
        public ByteChannel client(SocketChannel socket) {
            return socket;
        }

        @Override
        public ByteChannel server(SocketChannel socket) {
            return socket;
        }
    };

    /** Wraps the primary's end of a new connection. */
    ByteChannel client(SocketChannel socket) throws IOException;

    /** Wraps the standby's end of a new connection. */
    ByteChannel server(SocketChannel socket) throws IOException;
}
