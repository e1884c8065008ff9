package org.understudy.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens reliable byte streams: the replication link's transport, as {@link DatagramTransport} is the heartbeats'.
 * Implementations: {@link TcpStreamTransport} (production), {@link InMemoryStreams} (deterministic tests, no sockets)
 * and {@link FaultyStreamTransport} (a decorator whose faults a test switches on and off). Thread-safe.
 */
public interface StreamTransport {

    /**
     * Connects to {@code remote}, blocking at most {@code timeout}.
     *
     * @throws java.net.ConnectException       nothing listens there (or a fault refuses it)
     * @throws java.net.SocketTimeoutException no answer within {@code timeout}
     */
    StreamConnection connect(InetSocketAddress remote, Duration timeout) throws IOException;

    /**
     * Listens on {@code local} (port 0: any free port) with a queue of {@code backlog} connections not yet accepted.
     *
     * @throws java.net.BindException the address is taken or not local
     */
    StreamListener listen(InetSocketAddress local, int backlog) throws IOException;
}
