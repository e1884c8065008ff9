package org.understudy.nbd;

import org.understudy.e2e.Poll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transmission-phase commands, errors and bad input against a real {@link NbdServer} over loopback. */
class NbdTransmissionTest {
    private static final int SIZE = 4 << 20;
    private MutableNbdExports exports;
    private MemoryBlockDevice dev;
    private NbdServer server;

    @BeforeEach
    void start() throws Exception {
        exports = new MutableNbdExports();
        dev = new MemoryBlockDevice(SIZE);
        exports.put("vol0", dev);
        exports.put("vol1", new MemoryBlockDevice(SIZE));
        server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports, new NbdServer.Limits(8, 32 << 20, java.time.Duration.ofSeconds(30)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A fresh client still reads back what was written before the bad input: the server and the data survived. */
    private void assertServerStillServes(long offset, byte[] expected) throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertArrayEquals(expected, c.read(offset, expected.length));
            assertEquals(0, c.write(offset, expected, 0));
        }
    }

    @Test
    void writeThenRead_returnsSameBytes_includingMaxSizedPayload() throws Exception {
        byte[] big = random(NbdConstants.MAX_PAYLOAD, 1);
        exports.put("big", new MemoryBlockDevice(NbdConstants.MAX_PAYLOAD));
        try (NbdTestClient c = NbdTestClient.open(server.port(), "big")) {
            assertEquals(0, c.write(0, big, 0));
            assertArrayEquals(big, c.read(0, big.length));
        }
    }

    @Test
    void fuaWrite_reachesDeviceWithFua_andFlushCallsDeviceFlush() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(0, c.write(0, new byte[512], NbdConstants.CMD_FLAG_FUA));
            assertEquals(1, dev.fuaWrites.get());
            assertEquals(0, c.command(0, NbdConstants.CMD_FLUSH, 0, 0));
            assertEquals(1, dev.flushes.get());
        }
    }

    @Test
    void trimAndWriteZeroes_zeroTheRange_andNoHoleForbidsTrimming() throws Exception {
        byte[] data = random(8192, 2);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(0, c.write(0, data, 0));
            assertEquals(0, c.command(0, NbdConstants.CMD_TRIM, 0, 1024));
            assertEquals(0, c.command(0, NbdConstants.CMD_WRITE_ZEROES, 1024, 1024));
            assertEquals(0, c.command(NbdConstants.CMD_FLAG_NO_HOLE | NbdConstants.CMD_FLAG_FUA, NbdConstants.CMD_WRITE_ZEROES, 2048, 1024));
            byte[] back = c.read(0, 8192);
            assertArrayEquals(new byte[3072], java.util.Arrays.copyOf(back, 3072));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 3072, 8192), java.util.Arrays.copyOfRange(back, 3072, 8192));
        }
        assertEquals(1, dev.trims.get());
        assertEquals(1, dev.zeroesWithTrim.get());
        assertEquals(1, dev.zeroesWithoutTrim.get());
    }

    @Test
    void outOfRange_readAndTrimAreEinval_writesAreEnospc_connectionStaysUsable() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(NbdConstants.EINVAL, c.command(0, NbdConstants.CMD_READ, SIZE - 1, 2));
            assertEquals(NbdConstants.EINVAL, c.command(0, NbdConstants.CMD_READ, -4096, 4096));
            assertEquals(NbdConstants.EINVAL, c.command(0, NbdConstants.CMD_TRIM, SIZE, 1));
            assertEquals(NbdConstants.ENOSPC, c.write(SIZE - 2, new byte[4], 0));
            assertEquals(NbdConstants.ENOSPC, c.command(0, NbdConstants.CMD_WRITE_ZEROES, SIZE, 4096));
            assertEquals(NbdConstants.EINVAL, c.command(0, NbdConstants.CMD_READ, 0, NbdConstants.MAX_PAYLOAD + 1L));
            assertEquals(0, c.write(SIZE - 4, new byte[] {1, 2, 3, 4}, 0));
            assertArrayEquals(new byte[] {1, 2, 3, 4}, c.read(SIZE - 4, 4));
        }
    }

    @Test
    void unknownCommandsAndFlags_areEinval_connectionStaysUsable() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(NbdConstants.EINVAL, c.command(0, NbdConstants.CMD_CACHE, 0, 4096));
            assertEquals(NbdConstants.EINVAL, c.command(0, NbdConstants.CMD_BLOCK_STATUS, 0, 4096));
            assertEquals(NbdConstants.EINVAL, c.command(0, 77, 0, 4096));
            assertEquals(NbdConstants.EINVAL, c.command(NbdConstants.CMD_FLAG_DF, NbdConstants.CMD_READ, 0, 4096));
            assertEquals(NbdConstants.EINVAL, c.command(NbdConstants.CMD_FLAG_FAST_ZERO, NbdConstants.CMD_WRITE_ZEROES, 0, 4096));
            assertEquals(NbdConstants.EINVAL, c.command(NbdConstants.CMD_FLAG_NO_HOLE, NbdConstants.CMD_TRIM, 0, 4096));
            // a WRITE refused for its flags still has its payload consumed: the stream stays in step
            assertEquals(NbdConstants.EINVAL, c.write(0, new byte[100], 0x8000));
            assertEquals(0, c.write(0, new byte[] {5}, 0));
            assertArrayEquals(new byte[] {5}, c.read(0, 1));
        }
    }

    @Test
    void zeroLengthRequests_succeedWithoutDisconnect() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(0, c.command(0, NbdConstants.CMD_READ, 0, 0));
            assertEquals(0, c.write(0, new byte[0], 0));
            assertEquals(0, c.command(0, NbdConstants.CMD_TRIM, 0, 0));
            assertArrayEquals(new byte[1], c.read(0, 1));
        }
    }

    @Test
    void deviceIoError_repliesEioWithoutPayload_andConnectionCarriesOn() throws Exception {
        dev.failRange(8192, 12288);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(NbdConstants.EIO, c.command(0, NbdConstants.CMD_READ, 8192, 4096));
            assertEquals(NbdConstants.EIO, c.write(8192, new byte[4096], 0));
            assertEquals(NbdConstants.EIO, c.command(0, NbdConstants.CMD_WRITE_ZEROES, 10000, 10));
            // the EIO READ reply carried no data: the next reply header parses
            assertArrayEquals(new byte[16], c.read(0, 16));
        }
    }

    @Test
    void oversizedWritePayload_closesConnection_serverAndDataSurvive() throws Exception {
        byte[] data = random(4096, 3);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(0, c.write(0, data, 0));
            c.send(0, NbdConstants.CMD_WRITE, 0, NbdConstants.MAX_PAYLOAD + 1L, null);
            assertTrue(c.closedByServer());
        }
        assertServerStillServes(0, data);
    }

    @Test
    void wrongRequestMagic_closesConnection_serverAndDataSurvive() throws Exception {
        byte[] data = random(4096, 4);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(0, c.write(4096, data, 0));
            c.raw(random(28, 5));
            assertTrue(c.closedByServer());
        }
        assertServerStillServes(4096, data);
    }

    @Test
    void clientVanishingMidPayload_isCleanedUp_andPartialWriteNeverApplied() throws Exception {
        byte[] data = random(4096, 6);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(0, c.write(0, data, 0));
            ByteBuffer b = ByteBuffer.allocate(28 + 1000);
            new NbdRequest(0, NbdConstants.CMD_WRITE, 99, 0, 4096).encode(b);
            c.raw(b.array());
        }
        Poll.until(Duration.ofSeconds(5), "connections cleaned up", () -> server.connectionCount() == 0);
        assertServerStillServes(0, data);
    }

    @Test
    void manyPipelinedRequests_allAnswered_evenAboveInFlightLimit() throws Exception {
        // the limit is 8 in flight: 200 pipelined writes must be throttled, not refused or deadlocked
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            Set<Long> cookies = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                cookies.add(c.send(0, NbdConstants.CMD_WRITE, i * 4096L, 4096, random(4096, i)));
            }
            for (int i = 0; i < 200; i++) {
                NbdSimpleReply r = c.readReply();
                assertEquals(0, r.error());
                assertTrue(cookies.remove(r.cookie()), "unexpected cookie " + r.cookie());
            }
            for (int i = 0; i < 200; i += 37) {
                assertArrayEquals(random(4096, i), c.read(i * 4096L, 4096));
            }
        }
    }

    @Test
    void slowRequest_doesNotBlockLaterOnes_repliesGoOutOfOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        dev.holdWritesAt(65536, release);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            long slow = c.send(0, NbdConstants.CMD_WRITE, 65536, 4, new byte[] {1, 1, 1, 1});
            long fast = c.send(0, NbdConstants.CMD_READ, 0, 4, null);
            NbdSimpleReply first = c.readReply();
            assertEquals(fast, first.cookie());
            c.readBytes(4);
            release.countDown();
            assertEquals(slow, c.readReply().cookie());
        } finally {
            release.countDown();
        }
    }

    @Test
    void disc_finishesInFlightWritesThenCloses() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            List<Long> cookies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cookies.add(c.send(0, NbdConstants.CMD_WRITE, i * 512L, 512, random(512, 100 + i)));
            }
            c.disconnect();
            for (int i = 0; i < 20; i++) {
                assertEquals(0, c.readReply().error());
            }
            assertTrue(c.closedByServer());
        }
        assertArrayEquals(random(512, 119), dev.snapshot(19 * 512, 512));
    }

    @Test
    void closeConnections_closesOnlyThatExport_withoutEshutdown() throws Exception {
        try (NbdTestClient a = NbdTestClient.open(server.port(), "vol0");
             NbdTestClient a2 = NbdTestClient.open(server.port(), "vol0");
             NbdTestClient b = NbdTestClient.open(server.port(), "vol1")) {
            assertEquals(List.of("vol0", "vol1"), server.connectedExports());
            assertEquals(2, server.closeConnections("vol0"));
            assertTrue(a.closedByServer());
            assertTrue(a2.closedByServer());
            assertArrayEquals(new byte[2], b.read(0, 2));
        }
        try (NbdTestClient again = NbdTestClient.open(server.port(), "vol0")) {
            assertArrayEquals(new byte[2], again.read(0, 2));
        }
    }

    @Test
    void serverClose_stopsListeningAndClosesConnections() throws Exception {
        NbdTestClient c = NbdTestClient.open(server.port(), "vol0");
        int port = server.port();
        server.close();
        assertTrue(c.closedByServer());
        c.close();
        // the port may be taken at once by another process binding port 0; what matters is that we no longer answer
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            byte[] greeting = new byte[8];
            int n;
            try {
                n = s.getInputStream().readNBytes(greeting, 0, 8);
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                n = 0;
            }
            assertFalse(n == 8 && ByteBuffer.wrap(greeting).getLong() == NbdConstants.NBDMAGIC, "still serving NBD after close");
        } catch (java.net.ConnectException refused) {
            // expected: nobody listens any more
        }
        Poll.until(Duration.ofSeconds(5), "connections gone", () -> server.connectionCount() == 0);
        assertFalse(server.connectionCount() > 0);
    }

    @Test
    void severalConnections_seeEachOthersWrites_andFlushCoversThem() throws Exception {
        try (NbdTestClient a = NbdTestClient.open(server.port(), "vol0");
             NbdTestClient b = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(0, a.write(0, new byte[] {7, 7}, 0));
            assertEquals(0, b.command(0, NbdConstants.CMD_FLUSH, 0, 0));
            assertArrayEquals(new byte[] {7, 7}, b.read(0, 2));
        }
    }

    @Test
    void exportWithdrawnThenConnectionsClosed_clientCannotNegotiateItAgain() throws Exception {
        try (NbdTestClient a = NbdTestClient.open(server.port(), "vol0")) {
            exports.remove("vol0");
            assertEquals(1, server.closeConnections("vol0"));
            assertTrue(a.closedByServer());
        }
        try (NbdTestClient c = NbdTestClient.connect(server.port())) {
            c.greet(NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE | NbdConstants.CLIENT_FLAG_NO_ZEROES);
            assertEquals(null, c.go("vol0"));
            assertEquals(NbdConstants.REP_ERR_UNKNOWN, c.lastError.type());
        }
    }

    @Test
    void requestsPackedBackToBackInOneSend_withPayloadsAroundReadAheadSize_allApplied() throws Exception {
        // guards the read-ahead buffer: headers and payloads split anywhere across socket reads
        int[] sizes = {1, 27, 28, 4096, 65535, 65536, 65537, 100_000, 3, 200_000};
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        long offset = 0;
        List<long[]> written = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = random(sizes[i], 500 + i);
            ByteBuffer h = new NbdRequest(0, NbdConstants.CMD_WRITE, 1000 + i, offset, data.length).encode(ByteBuffer.allocate(28));
            all.write(h.array());
            all.write(data);
            written.add(new long[] {offset, data.length, 500 + i});
            offset += data.length;
        }
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            c.raw(all.toByteArray());
            for (int i = 0; i < sizes.length; i++) {
                assertEquals(0, c.readReply().error());
            }
            for (long[] w : written) {
                assertArrayEquals(random((int) w[1], w[2]), c.read(w[0], (int) w[1]));
            }
        }
    }
}
