package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading its replies delays only its own: the thread that completes writes (one for the whole
 * device, as a mirror link's ACK reader is) sends replies without waiting for any client, so another connection's
 * writes keep being acknowledged, and the slow client still gets every reply, whole, once it reads again.
 */
class NbdSlowReaderTest {
    private static final int SIZE = 4 << 20;
    private static final int READ = 1 << 20;

    /** Completes every write on one shared thread; the write at {@code held} only once {@code gate} opens. */
    private static final class OneAckThreadDevice extends LaterWritesDevice {
        final ExecutorService ack = Executors.newSingleThreadExecutor();
        final CountDownLatch gate = new CountDownLatch(1);
        final long held = 3 * READ;

        OneAckThreadDevice() {
            super(SIZE);
        }

        @Override
        void written(long offset, boolean moreFollow, WriteCallback callback) {
            ack.execute(() -> {
                if (offset == held) {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                callback.done(null);
            });
        }

        @Override
        public void close() {
            ack.shutdownNow();
        }
    }

    private OneAckThreadDevice dev;
    private NbdServer server;

    @BeforeEach
    void start() throws Exception {
        dev = new OneAckThreadDevice();
        server = NbdTestServers.servingVol0(dev, 128, 128 << 20);
    }

    @AfterEach
    void stop() {
        dev.gate.countDown();
        server.close();
        dev.close();
    }

    @Test
    void clientNotReadingReplies_doesNotHoldUpAnotherConnectionsAcks() throws Exception {
        try (NbdTestClient slow = NbdTestClient.open(server.port(), "vol0");
             NbdTestClient other = NbdTestClient.open(server.port(), "vol0")) {
            long write = slow.send(0, NbdConstants.CMD_WRITE, dev.held, 4, new byte[] {1, 2, 3, 4});
            // READ replies it does not read fill its socket until the server has to queue one
            int reads = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.queuedReplies() == 0) {
                assertTrue(System.nanoTime() < deadline, "the socket never filled");
                if (reads < 100) {
                    slow.send(0, NbdConstants.CMD_READ, (long) (reads % 4) * READ, READ, null);
                    reads++;
                }
                Thread.sleep(2);
            }
            // the slow client's write now completes on the shared thread, whose reply its full socket cannot take
            dev.gate.countDown();
            for (int i = 0; i < 20; i++) {
                assertEquals(0, other.write(i * 4096L, new byte[] {(byte) i}, 0),
                        "write " + i + " of the other connection acknowledged");
            }
            // the slow client reads again: every reply arrives whole, the write's among them
            boolean sawWrite = false;
            for (int i = 0; i < reads + 1; i++) {
                NbdSimpleReply r = slow.readReply();
                assertEquals(0, r.error());
                if (r.cookie() == write) {
                    sawWrite = true;
                } else {
                    assertEquals(READ, slow.readBytes(READ).length);
                }
            }
            assertTrue(sawWrite, "the write's reply came once the client read again");
            assertEquals(0, slow.write(0, new byte[] {7}, 0), "the slow connection works on");
        }
    }
}
