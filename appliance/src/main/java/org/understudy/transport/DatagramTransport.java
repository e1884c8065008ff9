package org.understudy.transport;

import java.net.InetSocketAddress;

/**
 * Unreliable, unordered delivery of small messages (heartbeats) to peers. One transport is one local endpoint on one
 * path. Implementations: {@link UdpTransport} (real sockets), {@link InMemoryNetwork} (tests) and
 * {@link FaultyTransport} (a decorator whose faults a test switches on and off).
 *
 * <p>Implementations are thread-safe: {@link #send} may be called from any thread; the receiver is called from the
 * transport's own delivery thread (or, in memory, from the sender's thread) and must not block for long.
 */
public interface DatagramTransport extends AutoCloseable {

    /** Called for each message that arrives. */
    @FunctionalInterface
    interface Receiver {
        void receive(InetSocketAddress from, byte[] message);
    }

    /** The address peers send to. */
    InetSocketAddress localAddress();

    /** Sends one message; never blocks for long and never throws for a lost message (losses are normal). */
    void send(InetSocketAddress to, byte[] message);

    /** Sets the one receiver; messages arriving before a receiver is set are dropped. */
    void receiver(Receiver receiver);

    @Override
    void close();
}
