package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.e2e.Poll;
import org.understudy.transport.FakeClock;

/**
 * Many clients cost bounded threads and memory. Regression: 4,000 held NBD sockets created 2,134 threads and 842 MB
 * and accepting slowed to ~15 ms. At the configured limit a connection is closed as soon as it is accepted (no
 * thread, no buffer), refusals are logged once per interval with a count, and the clients being served keep going.
 */
class NbdConnectionLimitTest {
    private static final int LIMIT = 8;
    private NbdServer server;
    private final List<Socket> held = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        MutableNbdExports exports = new MutableNbdExports();
        MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
        dev.write(0, java.nio.ByteBuffer.wrap(new byte[] {7, 7, 7, 7}), false);
        exports.put("vol0", dev);
        server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports,
                NbdServer.Limits.DEFAULT.withMaxConnections(LIMIT));
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : held) {
            s.close();
        }
        server.close();
    }

    private static long nbdThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("nbd-io-")).count();
    }

    @Test
    void heldSocketsBeyondTheLimit_refusedAtOnce_threadsBounded_servedClientKeepsGoing() throws Exception {
        NbdTestClient served = NbdTestClient.connect(server.port());
        served.greet(NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE | NbdConstants.CLIENT_FLAG_NO_ZEROES);
        served.go("vol0");
        for (int i = 1; i < LIMIT; i++) {
            held.add(new Socket("127.0.0.1", server.port())); // sockets that never negotiate
        }
        Poll.until(Duration.ofSeconds(10), "the limit reached", () -> server.connectionCount() == LIMIT);
        long threadsAtLimit = nbdThreads();

        for (int i = 0; i < 200; i++) {
            try (Socket extra = new Socket("127.0.0.1", server.port())) {
                extra.setSoTimeout(5000);
                assertEquals(-1, extra.getInputStream().read(), "closed at once, no greeting");
            }
        }
        assertEquals(200, server.refusedConnections());
        assertEquals(LIMIT, server.connectionCount());
        assertTrue(nbdThreads() <= threadsAtLimit + 2, "no thread per refused socket: " + nbdThreads() + " vs "
                + threadsAtLimit);
        // the client being served carries on, quickly
        long t0 = System.nanoTime();
        assertArrayEquals(new byte[] {7, 7, 7, 7}, served.read(0, 4));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "read took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        served.close();

        // once a place is free, a new client is served
        held.removeFirst().close();
        Poll.until(Duration.ofSeconds(10), "a place free", () -> server.connectionCount() < LIMIT);
        try (NbdTestClient next = NbdTestClient.connect(server.port())) {
            next.greet(NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE | NbdConstants.CLIENT_FLAG_NO_ZEROES);
            next.go("vol0");
            assertArrayEquals(new byte[] {7, 7, 7, 7}, next.read(0, 4));
        }
    }

    @Test
    void refusals_loggedOnceAnIntervalWithTheirCount() {
        FakeClock clock = new FakeClock();
        List<String> lines = new ArrayList<>();
        RefusalLog log = new RefusalLog("nbd: 127.0.0.1:10809", clock, lines::add);
        for (int i = 0; i < 64; i++) {
            log.refused("/127.0.0.1:" + (5000 + i), "8 connections open, the limit");
        }
        assertEquals(1, lines.size(), "the first of a burst at once, the rest counted: " + lines);
        clock.advance(Duration.ofNanos(RefusalLog.INTERVAL_NANOS));
        log.refused("/127.0.0.1:6000", "8 connections open, the limit");
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).contains("refused 64 connection(s)") && lines.get(1).contains("65 refused since start"),
                lines.get(1));
    }
}
