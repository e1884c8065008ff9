package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes to a device that completes them later on a thread of its own (as a mirrored volume does on its ACK thread):
 * the reader goes on with the requests behind them, replies come back out of order, failures are EIO, a DISC waits
 * for every reply, and pipelining far past the in-flight limit neither deadlocks nor loses a reply.
 */
class NbdAsyncWriteTest {
    private static final int SIZE = 4 << 20;

    /** Completes each write on its own executor, after {@code gate} opens for writes at {@code held}. */
    private static final class LaterDevice extends LaterWritesDevice {
        final ExecutorService acks = Executors.newSingleThreadExecutor();
        final AtomicInteger syncWrites = new AtomicInteger();
        volatile long held = -1;
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile long failing = -1;

        LaterDevice() {
            super(SIZE);
        }

        @Override
        void written(long offset, boolean moreFollow, WriteCallback callback) {
            CountDownLatch g = offset == held ? gate : new CountDownLatch(0);
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                acks.execute(() -> callback.done(offset == failing ? new IOException("standby lost") : null));
            });
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
            syncWrites.incrementAndGet();
            inner.write(offset, src, fua);
        }

        @Override
        public void close() {
            acks.shutdownNow();
        }
    }

    private LaterDevice dev;
    private NbdServer server;

    @BeforeEach
    void start() throws Exception {
        dev = new LaterDevice();
        server = NbdTestServers.servingVol0(dev, 8, 32 << 20);
    }

    @AfterEach
    void stop() {
        dev.gate.countDown();
        server.close();
        dev.close();
    }

    @Test
    void heldWrite_doesNotBlockTheRequestsBehindIt_repliesOutOfOrder() throws Exception {
        dev.gate = new CountDownLatch(1);
        dev.held = 65536;
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            long slow = c.send(0, NbdConstants.CMD_WRITE, 65536, 4, new byte[] {1, 2, 3, 4});
            long fast = c.send(0, NbdConstants.CMD_WRITE, 0, 4, new byte[] {5, 6, 7, 8});
            long read = c.send(0, NbdConstants.CMD_READ, 0, 4, null);
            Set<Long> answered = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                NbdSimpleReply r = c.readReply();
                answered.add(r.cookie());
                if (r.cookie() == read) {
                    assertArrayEquals(new byte[] {5, 6, 7, 8}, c.readBytes(4));
                }
            }
            assertEquals(Set.of(fast, read), answered, "both answered while the first write is still held");
            dev.gate.countDown();
            assertEquals(slow, c.readReply().cookie());
            assertEquals(0, dev.syncWrites.get(), "started through writeAsync, never a blocking write");
        }
    }

    @Test
    void failedCompletion_isEio_connectionStaysUsable() throws Exception {
        dev.failing = 4096;
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(NbdConstants.EIO, c.write(4096, new byte[] {9}, 0));
            assertEquals(0, c.write(8192, new byte[] {9}, 0));
        }
    }

    @Test
    void fuaWrite_takesTheBlockingPath() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(0, c.write(0, new byte[] {1}, NbdConstants.CMD_FLAG_FUA));
            assertEquals(1, dev.syncWrites.get());
        }
    }

    @Test
    void manyPipelinedWrites_farAboveTheInFlightLimit_allAnswered() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            Set<Long> cookies = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                cookies.add(c.send(0, NbdConstants.CMD_WRITE, i * 4096L, 4096, new byte[4096]));
            }
            for (int i = 0; i < 500; i++) {
                NbdSimpleReply r = c.readReply();
                assertEquals(0, r.error());
                assertTrue(cookies.remove(r.cookie()), "unexpected cookie " + r.cookie());
            }
        }
    }

    @Test
    void disc_waitsForTheRepliesOfWritesStillInFlight() throws Exception {
        dev.gate = new CountDownLatch(1);
        dev.held = 0;
        NbdTestClient c = NbdTestClient.open(server.port(), "vol0");
        long held = c.send(0, NbdConstants.CMD_WRITE, 0, 4, new byte[] {1, 2, 3, 4});
        c.disconnect();
        // the write completes only once the DISC is on the wire: the server must still answer it before closing
        dev.gate.countDown();
        assertEquals(held, c.readReply().cookie(), "the reply still comes before the server closes");
        c.close();
    }
}
