package org.understudy.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Where a {@link StreamTransport} accepts connections (a listening socket). {@link #accept} blocks for the next
 * connection; {@link #close} from any thread ends a blocked {@link #accept} with
 * {@link java.nio.channels.AsynchronousCloseException} and every later one with
 * {@link java.nio.channels.ClosedChannelException}. Thread-safe.
 */
public interface StreamListener extends Closeable {

    /** The next connection, blocking until one arrives. */
    StreamConnection accept() throws IOException;

    /** The address bound (with the port chosen when port 0 was asked for). */
    InetSocketAddress localAddress();
}
