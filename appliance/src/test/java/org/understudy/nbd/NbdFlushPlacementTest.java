package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.understudy.e2e.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where a FLUSH runs ({@link FlushPlacement}), against a real {@link NbdServer} over loopback: on the reader's thread
 * for a client at queue depth 1, never so that a request the client sends meanwhile waits behind a held or slow flush.
 */
class NbdFlushPlacementTest {
    private static final int SIZE = 1 << 20;
    private MemoryBlockDevice dev;
    private NbdServer server;

    @BeforeEach
    void start() throws Exception {
        MutableNbdExports exports = new MutableNbdExports();
        dev = new MemoryBlockDevice(SIZE);
        exports.put("vol0", dev);
        server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports,
                new NbdServer.Limits(8, 32 << 20, Duration.ofSeconds(30)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void flushesAtQueueDepth1_runOnTheReadersThread_noHandOff() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            for (int i = 0; i < 20; i++) {
                Thread.sleep(10); // the reader waits for each FLUSH, the first too: the client does not pipeline
                assertEquals(0, c.command(0, NbdConstants.CMD_FLUSH, 0, 0));
            }
        }
        assertEquals(20, dev.flushes.get());
        // with a hand-off per FLUSH the reader role, and the flushes, change thread every time (19 changes); a reader
        // held up for the whole pause (a loaded machine) may hand one over now and then
        int changes = 0;
        for (int i = 1; i < dev.flushThreads.size(); i++) {
            changes += dev.flushThreads.get(i).equals(dev.flushThreads.get(i - 1)) ? 0 : 1;
        }
        assertTrue(changes <= 3, "flushes ran on " + dev.flushThreads);
    }

    @Test
    void flushWithAReadBehindIt_goesToAWorker_theReadIsAnsweredWhileTheFlushIsHeld() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        dev.holdFlushes(release);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            ByteBuffer both = ByteBuffer.allocate(2 * NbdConstants.REQUEST_SIZE);
            new NbdRequest(0, NbdConstants.CMD_FLUSH, 1, 0, 0).encode(both);
            new NbdRequest(0, NbdConstants.CMD_READ, 2, 0, 4).encode(both);
            c.raw(both.array()); // one segment: the reader finds the READ behind the FLUSH
            NbdSimpleReply first = c.readReply();
            assertEquals(2, first.cookie(), "the READ waited for the held FLUSH");
            c.readBytes(4);
            release.countDown();
            NbdSimpleReply flush = c.readReply();
            assertEquals(1, flush.cookie());
            assertEquals(0, flush.error());
        } finally {
            release.countDown();
        }
    }

    @Test
    void mirroredFlush_goesToAWorker_aReadSentMeanwhileIsAnswered() throws Exception {
        dev.travels(true); // a FLUSH that waits for a standby, whose link may stall, never holds the reader
        assertReadAnsweredWhileAFlushIsHeld();
    }

    @Test
    void afterASlowFlush_theNextGoesToAWorker_aReadSentMeanwhileIsAnswered() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            long slowMillis = FlushPlacement.INLINE_MAX_NANOS / 1_000_000 + 5;
            dev.slowFlushes(slowMillis);
            assertEquals(0, c.command(0, NbdConstants.CMD_FLUSH, 0, 0));
            dev.slowFlushes(0);
            assertReadAnsweredWhileAFlushIsHeld(c); // only the slow FLUSH before sends this one away
        }
        assertEquals(2, dev.flushes.get());
    }

    private void assertReadAnsweredWhileAFlushIsHeld() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertReadAnsweredWhileAFlushIsHeld(c);
        }
    }

    /** A FLUSH alone, the reader waiting for more, then a READ: answered while the FLUSH is held. */
    private void assertReadAnsweredWhileAFlushIsHeld(NbdTestClient c) throws Exception {
        int before = dev.flushes.get();
        int entered = dev.flushThreads.size();
        CountDownLatch release = new CountDownLatch(1);
        dev.holdFlushes(release);
        try {
            Thread.sleep(20); // the reader waits before the FLUSH comes: the client does not pipeline
            long flush = c.send(0, NbdConstants.CMD_FLUSH, 0, 0, null);
            // the READ comes only once the FLUSH is placed and held in the device: nothing was behind it
            Poll.until(Duration.ofSeconds(5), "the FLUSH reaches the device", () -> dev.flushThreads.size() > entered);
            long read = c.send(0, NbdConstants.CMD_READ, 0, 4, null);
            NbdSimpleReply first = c.readReply(); // the client's 10 s read time-out fails a READ held behind it
            assertEquals(read, first.cookie());
            c.readBytes(4);
            assertEquals(before, dev.flushes.get(), "the held FLUSH completed early");
            release.countDown();
            assertEquals(flush, c.readReply().cookie());
        } finally {
            release.countDown();
            dev.holdFlushes(null);
        }
    }
}
