package org.understudy.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.understudy.e2e.Poll;

/**
 * What the replication link relies on from a stream transport, checked on TCP over loopback and on the in-memory
 * pipes alike, so a scenario that passes in memory means the same over sockets.
 */
class StreamTransportContractTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    static Stream<Named<StreamTransport>> transports() {
        return Stream.of(Named.of("tcp", new TcpStreamTransport()), Named.of("in memory", new InMemoryStreams(4096)));
    }

    /** A listener and one connection through it, both ends. */
    private record Link(StreamListener listener, StreamConnection client, StreamConnection server)
            implements AutoCloseable {
        static Link open(StreamTransport t) throws IOException {
            StreamListener l = t.listen(ANY_PORT, 4);
            StreamConnection c = t.connect(l.localAddress(), Duration.ofSeconds(2));
            return new Link(l, c, l.accept());
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            listener.close();
        }
    }

    private static byte[] readExactly(StreamConnection c, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new IOException("end of stream after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.array();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void gatheringWrite_scatteringRead_bytesArriveInOrder(StreamTransport t) throws Exception {
        try (Link l = Link.open(t)) {
            byte[] payload = new byte[10_000]; // more than the in-memory pipe holds: the writer waits for the reader
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 7);
            }
            Thread w = Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer[] iov = {ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.wrap(payload)};
                    while (iov[1].hasRemaining()) {
                        l.client().write(iov, 0, 2);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteBuffer head = ByteBuffer.allocate(3);
            ByteBuffer body = ByteBuffer.allocate(payload.length);
            while (body.hasRemaining()) {
                l.server().read(new ByteBuffer[] {head, body}, 0, 2);
            }
            w.join();
            assertArrayEquals(new byte[] {1, 2, 3}, head.array());
            assertArrayEquals(payload, body.array());
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void peerCloses_readerGetsWhatWasSentThenTheEndOfTheStream(StreamTransport t) throws Exception {
        try (Link l = Link.open(t)) {
            l.client().write(ByteBuffer.wrap(new byte[] {9, 8, 7}));
            l.client().close();
            assertArrayEquals(new byte[] {9, 8, 7}, readExactly(l.server(), 3));
            assertEquals(-1, l.server().read(ByteBuffer.allocate(1)));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void available_countsWhatWaits(StreamTransport t) throws Exception {
        try (Link l = Link.open(t)) {
            assertEquals(0, l.server().available());
            l.client().write(ByteBuffer.wrap(new byte[100]));
            Poll.until(LIMIT, "100 bytes waiting", () -> l.server().available() == 100);
            readExactly(l.server(), 60);
            assertEquals(40, l.server().available());
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void closeFromAnotherThread_endsABlockedRead(StreamTransport t) throws Exception {
        try (Link l = Link.open(t)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread r = Thread.ofPlatform().start(() -> {
                try {
                    l.server().read(ByteBuffer.allocate(1));
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            l.server().close();
            r.join(LIMIT.toMillis());
            assertInstanceOf(ClosedChannelException.class, failure.get());
            assertThrows(ClosedChannelException.class, () -> l.server().write(ByteBuffer.allocate(1)));
            assertEquals(-1, l.client().read(ByteBuffer.allocate(1)), "the peer reads the end of the stream");
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void writingToAClosedPeer_fails(StreamTransport t) throws Exception {
        try (Link l = Link.open(t)) {
            l.server().close();
            // TCP may take a write or two before the peer's reset comes back
            Poll.until(LIMIT, "a write fails", () -> {
                try {
                    l.client().write(ByteBuffer.allocate(1024));
                    return false;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void listenerClosed_acceptEnds_andConnectsAreRefused(StreamTransport t) throws Exception {
        StreamListener l = t.listen(ANY_PORT, 4);
        InetSocketAddress at = l.localAddress();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread a = Thread.ofPlatform().start(() -> {
            try {
                l.accept();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        l.close();
        a.join(LIMIT.toMillis());
        assertInstanceOf(ClosedChannelException.class, failure.get());
        assertThrows(ConnectException.class, () -> t.connect(at, Duration.ofSeconds(2)));
    }
}
