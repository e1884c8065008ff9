package org.understudy.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.e2e.Poll;
import org.understudy.transport.FaultyStreamTransport.Direction;

/** Each fault of the stream decorator, on an in-memory connection whose client end it wraps. */
class FaultyStreamTransportTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private final FakeClock clock = new FakeClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryStreams net = new InMemoryStreams();
    private final FaultyStreamTransport faults = new FaultyStreamTransport(net, scheduler);
    private final StreamListener listener;
    private final StreamConnection client;
    private final StreamConnection server;

    FaultyStreamTransportTest() throws IOException {
        listener = net.listen(new InetSocketAddress("127.0.0.1", 0), 4);
        client = faults.connect(listener.localAddress(), Duration.ofSeconds(1));
        server = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        faults.heal();
        client.close();
        server.close();
        listener.close();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i + 1);
        }
        return b;
    }

    private static byte[] read(StreamConnection c, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new IOException("end of stream after " + b.position() + " bytes");
            }
        }
        return b.array();
    }

    /** Writes on a thread of its own (a fault may hold it); the failure, if any, lands in the reference. */
    private static Thread writeAsync(StreamConnection c, byte[] data, AtomicReference<Throwable> failure) {
        return Thread.ofPlatform().start(() -> {
            try {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    c.write(b);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
    }

    private static void awaitWaiting(Thread t) {
        Poll.until(LIMIT, () -> "thread held, is " + t.getState(), () -> t.getState() == Thread.State.WAITING);
    }

    @Test
    void noFault_bytesPassBothWays_andAreCounted() throws Exception {
        client.write(ByteBuffer.wrap(bytes(10)));
        assertArrayEquals(bytes(10), read(server, 10));
        server.write(ByteBuffer.wrap(bytes(3)));
        assertArrayEquals(bytes(3), read(client, 3));
        assertEquals(10, faults.bytes(Direction.OUTBOUND));
        assertEquals(3, faults.bytes(Direction.INBOUND));
    }

    @Test
    void noFault_peerCloses_readerGetsTheRestThenTheEnd() throws Exception {
        server.write(ByteBuffer.wrap(bytes(3)));
        server.close();
        assertArrayEquals(bytes(3), read(client, 3));
        assertEquals(-1, client.read(ByteBuffer.allocate(1)));
    }

    @Test
    void stallOutbound_writeWaitsUntilLifted() throws Exception {
        faults.stall(Direction.OUTBOUND, true);
        Thread w = writeAsync(client, bytes(10), new AtomicReference<>());
        awaitWaiting(w);
        assertEquals(0, server.available());
        faults.stall(Direction.OUTBOUND, false);
        assertArrayEquals(bytes(10), read(server, 10));
    }

    @Test
    void stallInbound_arrivalsAreKeptFromTheReader_untilLifted() throws Exception {
        faults.stall(Direction.INBOUND, true);
        server.write(ByteBuffer.wrap(bytes(10)));
        Poll.until(LIMIT, "arrived", () -> faults.bytes(Direction.INBOUND) == 10);
        assertEquals(0, client.available());
        faults.stall(Direction.INBOUND, false);
        assertEquals(10, client.available());
        assertArrayEquals(bytes(10), read(client, 10));
    }

    @Test
    void delayOutbound_writeGoesOnWhenTheSchedulerReachesIt() throws Exception {
        faults.delay(Direction.OUTBOUND, Duration.ofMillis(50).toNanos());
        Thread w = writeAsync(client, bytes(10), new AtomicReference<>());
        Poll.until(LIMIT, "delay scheduled", () -> scheduler.pending() == 1);
        scheduler.advance(Duration.ofMillis(49));
        assertEquals(0, server.available());
        scheduler.advance(Duration.ofMillis(1));
        assertArrayEquals(bytes(10), read(server, 10));
        w.join(LIMIT.toMillis());
    }

    @Test
    void delayInbound_arrivalReadableOnlyAfterTheDelay() throws Exception {
        faults.delay(Direction.INBOUND, Duration.ofMillis(50).toNanos());
        server.write(ByteBuffer.wrap(bytes(10)));
        Poll.until(LIMIT, "delay scheduled", () -> scheduler.pending() == 1);
        scheduler.advance(Duration.ofMillis(49));
        assertEquals(0, client.available());
        scheduler.advance(Duration.ofMillis(1));
        assertArrayEquals(bytes(10), read(client, 10));
    }

    @Test
    void corruptOutbound_flipsExactlyTheByteAhead_once_andLeavesTheWritersBufferAlone() throws Exception {
        client.write(ByteBuffer.wrap(bytes(4)));
        faults.corrupt(Direction.OUTBOUND, 5);
        byte[] data = bytes(10);
        client.write(new ByteBuffer[] {ByteBuffer.wrap(data, 0, 3), ByteBuffer.wrap(data, 3, 7)}, 0, 2);
        client.write(ByteBuffer.wrap(bytes(10)));
        read(server, 4);
        byte[] got = read(server, 10);
        assertArrayEquals(bytes(10), data, "the writer's bytes are untouched");
        for (int i = 0; i < 10; i++) {
            assertEquals(i == 5, got[i] != data[i], "byte " + i);
        }
        assertArrayEquals(bytes(10), read(server, 10), "only once");
        assertFalse(faults.armed(Direction.OUTBOUND));
    }

    @Test
    void corruptInbound_flipsExactlyTheByteAhead() throws Exception {
        faults.corrupt(Direction.INBOUND, 0);
        server.write(ByteBuffer.wrap(bytes(3)));
        byte[] got = read(client, 3);
        assertEquals((byte) (1 ^ 0x5a), got[0]);
        assertEquals(2, got[1]);
    }

    @Test
    void closeAfterOutbound_peerReadsExactlyThoseBytesThenTheEnd_writerFails() throws Exception {
        faults.closeAfter(Direction.OUTBOUND, 7);
        assertThrows(SocketException.class, () -> client.write(ByteBuffer.wrap(bytes(10))));
        assertArrayEquals(bytes(7), read(server, 7));
        assertEquals(-1, server.read(ByteBuffer.allocate(1)));
        assertThrows(SocketException.class, () -> client.read(ByteBuffer.allocate(1)));
    }

    @Test
    void closeAfterInbound_readerGetsThoseBytesThenTheEnd_peerIsClosedOn() throws Exception {
        faults.closeAfter(Direction.INBOUND, 7);
        server.write(ByteBuffer.wrap(bytes(10)));
        assertArrayEquals(bytes(7), read(client, 7));
        assertEquals(-1, client.read(ByteBuffer.allocate(1)));
        assertEquals(-1, server.read(ByteBuffer.allocate(1)));
    }

    @Test
    void cutAfterOutbound_nothingPassesAfterwards_connectsRefused_closeHeardOnlyAtHeal() throws Exception {
        faults.cutAfter(Direction.OUTBOUND, 4);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread w = writeAsync(client, bytes(10), failure);
        assertArrayEquals(bytes(4), read(server, 4));
        awaitWaiting(w);
        assertTrue(faults.isCut());
        server.write(ByteBuffer.wrap(bytes(5)));
        Poll.until(LIMIT, "arrived", () -> faults.bytes(Direction.INBOUND) == 5);
        assertEquals(0, client.available(), "nothing comes in over a cut link");
        assertThrows(ConnectException.class, () -> faults.connect(listener.localAddress(), Duration.ofSeconds(1)));

        client.close(); // this side gives up: its writer is freed, the other side hears nothing yet
        w.join(LIMIT.toMillis());
        assertInstanceOf(AsynchronousCloseException.class, failure.get());
        assertEquals(0, server.available());
        assertTrue(server.isOpen());
        faults.heal();
        assertEquals(-1, server.read(ByteBuffer.allocate(1)), "the close goes through once the link heals");
    }

    @Test
    void cutThenHeal_heldBytesFlowOnTheSameConnection() throws Exception {
        faults.cut();
        Thread w = writeAsync(client, bytes(10), new AtomicReference<>());
        server.write(ByteBuffer.wrap(bytes(3)));
        awaitWaiting(w);
        Poll.until(LIMIT, "arrived", () -> faults.bytes(Direction.INBOUND) == 3);
        faults.heal();
        assertArrayEquals(bytes(10), read(server, 10));
        assertArrayEquals(bytes(3), read(client, 3));
    }
}
