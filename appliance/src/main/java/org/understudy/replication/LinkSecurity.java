package org.understudy.replication;

import java.io.IOException;
import org.understudy.transport.StreamConnection;

/**
 * The seam where transport security plugs into a replication link: given the connected stream, returns the stream
 * frames travel over. {@link #PLAIN} passes the connection through (the HMAC handshake still authenticates both
 * ends); a TLS implementation would return an {@code SSLEngine}-backed connection, whose {@code close} closes the
 * connection it was given and whose {@code available} counts decrypted bytes. Implementations are thread-safe.
 */
public interface LinkSecurity {
    /** No transport encryption. */
    LinkSecurity PLAIN = new LinkSecurity() {
        @Override
        public StreamConnection client(StreamConnection connection) {
            return connection;
        }

        @Override
        public StreamConnection server(StreamConnection connection) {
            return connection;
        }
    };

    /** Wraps the primary's end of a new connection. */
    StreamConnection client(StreamConnection connection) throws IOException;

    /** Wraps the standby's end of a new connection. */
    StreamConnection server(StreamConnection connection) throws IOException;
}
