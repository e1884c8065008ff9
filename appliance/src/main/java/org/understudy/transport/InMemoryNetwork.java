package org.understudy.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory datagram network for deterministic tests: {@link #endpoint} creates a transport with a made-up
 * loopback address; a send is delivered synchronously, on the sender's thread, to the endpoint bound there (or
 * dropped). Delays and losses come from wrapping endpoints in {@link FaultyTransport}. Thread-safe.
 */
public final class InMemoryNetwork {
    private final Map<InetSocketAddress, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(40000);

    /** A new endpoint named {@code name}, on 127.0.0.1 and a fresh port. */
    public DatagramTransport endpoint(String name) {
        InetSocketAddress addr;
        try {
            addr = new InetSocketAddress(InetAddress.getByAddress(name, new byte[] {127, 0, 0, 1}),
                    nextPort.getAndIncrement());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        Endpoint e = new Endpoint(addr);
        endpoints.put(addr, e);
        return e;
    }

    private final class Endpoint implements DatagramTransport {
        private final InetSocketAddress address;
        private volatile Receiver receiver;
        private volatile boolean closed;

        Endpoint(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public InetSocketAddress localAddress() {
            return address;
        }

        @Override
        public void send(InetSocketAddress to, byte[] message) {
            if (closed) {
                return;
            }
            Endpoint target = endpoints.get(to);
            if (target == null || target.closed) {
                return;
            }
            Receiver r = target.receiver;
            if (r != null) {
                r.receive(address, message.clone());
            }
        }

        @Override
        public void receiver(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void close() {
            closed = true;
            endpoints.remove(address);
        }

        @Override
        public String toString() {
            return "mem:" + address;
        }
    }
}
