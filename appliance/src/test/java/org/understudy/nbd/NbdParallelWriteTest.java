package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.storage.ForwardingBlockDevice;

/**
 * Large writes behind which the next request already waits are started on pooled threads, so one write's local half
 * runs while the reader takes in the next payload; small writes stay on the reader's thread (no hand-off per request).
 * The device here completes each write on the thread that starts it, after its local write, as a volume whose
 * standby need not answer does; it says its writes travel to a standby unless a test says otherwise, and large writes
 * that stay local stay on the reader too.
 */
class NbdParallelWriteTest {
    private static final int SIZE = 16 << 20;
    private static final int LARGE = 1 << 20;
    private static final int SMALL = 4096;

    /** Completes writes at once; the write at {@code slowAt} first waits for {@code gate} on the starting thread. */
    private static final class LocalDevice extends ForwardingBlockDevice {
        volatile long slowAt = -1;
        volatile CountDownLatch gate = new CountDownLatch(0);
        /** Counted down by each write started (before any wait). */
        volatile CountDownLatch started = new CountDownLatch(0);
        /** What {@link #writesTravel} says: a link to a standby is up. */
        volatile boolean travels = true;

        LocalDevice() {
            super(new MemoryBlockDevice(SIZE));
        }

        @Override
        public boolean completesWritesLater() {
            return true;
        }

        @Override
        public boolean writesTravel() {
            return travels;
        }

        @Override
        public void writeAsync(long offset, ByteBuffer src, boolean fua, WriteCallback callback) {
            started.countDown();
            try {
                if (offset == slowAt) {
                    gate.await();
                }
                inner.write(offset, src.duplicate(), fua);
                callback.done(null);
            } catch (IOException | InterruptedException e) {
                callback.done(e);
            }
        }
    }

    private LocalDevice dev;
    private NbdServer server;

    @BeforeEach
    void start() throws Exception {
        dev = new LocalDevice();
        server = NbdTestServers.servingVol0(dev, 16, 32 << 20);
    }

    @AfterEach
    void stop() {
        dev.gate.countDown();
        server.close();
    }

    /** Two WRITEs in one send, so the second's header is in the socket when the first's payload has been read. */
    private static byte[] pair(long cookie, long first, long second, int length, byte fill) {
        byte[] payload = new byte[length];
        java.util.Arrays.fill(payload, fill);
        ByteBuffer b = ByteBuffer.allocate(2 * (NbdConstants.REQUEST_SIZE + length));
        new NbdRequest(0, NbdConstants.CMD_WRITE, cookie, first, length).encode(b);
        b.put(payload);
        new NbdRequest(0, NbdConstants.CMD_WRITE, cookie + 1, second, length).encode(b);
        b.put(payload);
        return b.array();
    }

    @Test
    void largeWrite_withTheNextWaiting_doesNotHoldTheReader() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            // the next request's header normally follows the payload in the same segment; a pair whose second header
            // came late is started on the reader's thread, and the next pair tries again
            boolean overlapped = false;
            for (int attempt = 0; attempt < 5 && !overlapped; attempt++) {
                long slow = 2L * attempt * LARGE;
                dev.gate = new CountDownLatch(1);
                dev.slowAt = slow;
                dev.started = new CountDownLatch(2);
                long cookie = 1000L * (attempt + 1);
                c.raw(pair(cookie, slow, slow + LARGE, LARGE, (byte) attempt));
                overlapped = dev.started.await(2, TimeUnit.SECONDS);
                if (overlapped) {
                    NbdSimpleReply r = c.readReply();
                    assertEquals(cookie + 1, r.cookie(), "the second write is answered while the first still writes");
                }
                dev.gate.countDown();
                Set<Long> left = new HashSet<>(overlapped ? Set.of(cookie) : Set.of(cookie, cookie + 1));
                while (!left.isEmpty()) {
                    NbdSimpleReply r = c.readReply();
                    assertEquals(0, r.error());
                    assertTrue(left.remove(r.cookie()), "unexpected cookie " + r.cookie());
                }
            }
            assertTrue(overlapped, "a 1 MiB write with the next request waiting was never started off the reader");
        }
    }

    @Test
    void smallWrite_staysOnTheReader_evenWithTheNextWaiting() throws Exception {
        assertStartedByTheReader(SMALL, (byte) 7, "a 4 KiB write is started by the reader itself: the next waits for it");
    }

    @Test
    void largeWrite_thatStaysLocal_staysOnTheReader_evenWithTheNextWaiting() throws Exception {
        dev.travels = false;
        assertStartedByTheReader(LARGE, (byte) 9,
                "with no standby link a 1 MiB write is started by the reader itself: the next waits for it");
    }

    /**
     * Sends two writes of {@code size} in one go, the first held at the device: the second must not start before the
     * first is let go (the reader started the first itself), then both land.
     */
    private void assertStartedByTheReader(int size, byte fill, String why) throws Exception {
        dev.gate = new CountDownLatch(1);
        dev.slowAt = 0;
        dev.started = new CountDownLatch(2);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            c.raw(pair(1, 0, size, size, fill));
            assertFalse(dev.started.await(300, TimeUnit.MILLISECONDS), why);
            dev.gate.countDown();
            assertEquals(1, c.readReply().cookie());
            assertEquals(2, c.readReply().cookie());
            byte[] expect = new byte[size];
            java.util.Arrays.fill(expect, fill);
            assertArrayEquals(expect, c.read(0, size));
            assertArrayEquals(expect, c.read(size, size));
        }
    }

    @Test
    void pipelinedLargeWrites_landWhole() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int writes = SIZE / LARGE;
            for (int i = 0; i < writes; i++) {
                byte[] payload = new byte[LARGE];
                java.util.Arrays.fill(payload, (byte) (i + 1));
                payload[i] = (byte) 0xEE; // one byte apart, so a misplaced payload shows
                ByteBuffer b = ByteBuffer.allocate(NbdConstants.REQUEST_SIZE + LARGE);
                new NbdRequest(0, NbdConstants.CMD_WRITE, i, (long) i * LARGE, LARGE).encode(b);
                all.write(b.put(payload).array());
            }
            c.raw(all.toByteArray());
            Set<Long> left = new HashSet<>();
            for (long i = 0; i < writes; i++) {
                left.add(i);
            }
            for (int i = 0; i < writes; i++) {
                NbdSimpleReply r = c.readReply();
                assertEquals(0, r.error());
                assertTrue(left.remove(r.cookie()), "unexpected cookie " + r.cookie());
            }
            for (int i = 0; i < writes; i++) {
                byte[] expect = new byte[LARGE];
                java.util.Arrays.fill(expect, (byte) (i + 1));
                expect[i] = (byte) 0xEE;
                assertArrayEquals(expect, c.read((long) i * LARGE, LARGE), "write " + i);
            }
        }
    }
}
