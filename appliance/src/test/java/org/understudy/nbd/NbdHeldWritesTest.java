package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writes the reader starts while more are already buffered are held back by the device and sent together (one socket
 * write to the standby for many client writes), and nothing held is ever left behind when the reader waits: a held
 * write that was never sent would never be acknowledged, and these tests would time out.
 */
@Timeout(30)
class NbdHeldWritesTest {
    private static final int SIZE = 4 << 20;

    /** Completes writes only once "sent": at a write without the hint, or at {@link #sendHeld}. */
    private static final class SendingDevice extends LaterWritesDevice {
        final ExecutorService acks = Executors.newSingleThreadExecutor();
        final List<WriteCallback> queued = new ArrayList<>();
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger sends = new AtomicInteger();

        SendingDevice() {
            super(SIZE);
        }

        @Override
        void written(long offset, boolean moreFollow, WriteCallback callback) {
            synchronized (queued) {
                queued.add(callback);
            }
            if (moreFollow) {
                held.incrementAndGet();
            } else {
                sendHeld();
            }
        }

        @Override
        public void sendHeld() {
            List<WriteCallback> batch;
            synchronized (queued) {
                batch = new ArrayList<>(queued);
                queued.clear();
            }
            if (!batch.isEmpty()) {
                sends.incrementAndGet();
                acks.execute(() -> batch.forEach(cb -> cb.done(null)));
            }
        }

        @Override
        public void close() {
            acks.shutdownNow();
        }
    }

    private SendingDevice dev;
    private NbdServer server;

    @BeforeEach
    void start() throws Exception {
        dev = new SendingDevice();
        // at most 8 requests in flight: pipelining 64 runs into the permits with writes held
        server = NbdTestServers.servingVol0(dev, 8, 32 << 20);
    }

    @AfterEach
    void stop() {
        server.close();
        dev.close();
    }


    @Test
    void writesBufferedTogether_areSentTogether_andEveryOneIsAnswered() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 64; i++) {
                byte[] data = new byte[4096];
                java.util.Arrays.fill(data, (byte) i);
                all.write(NbdTestClient.request(i, 0, NbdConstants.CMD_WRITE, 4096L * i, 4096, data));
            }
            c.raw(all.toByteArray());
            Set<Long> cookies = new HashSet<>();
            for (int i = 0; i < 64; i++) {
                NbdSimpleReply r = c.readReply();
                assertEquals(0, r.error());
                cookies.add(r.cookie());
            }
            assertEquals(64, cookies.size());
            assertTrue(dev.held.get() > 0, "some writes were held for the ones behind them");
            assertTrue(dev.sends.get() < 64, "fewer sends than writes: " + dev.sends.get());
            byte[] expect = new byte[4096];
            java.util.Arrays.fill(expect, (byte) 63);
            assertArrayEquals(expect, c.read(4096L * 63, 4096));
        }
    }

    @Test
    void heldWrites_thenARead_thenNothing_everyWriteAnsweredBeforeTheClientWaits() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 3; i++) {
                all.write(NbdTestClient.request(i, 0, NbdConstants.CMD_WRITE, 4096L * i, 4096, new byte[4096]));
            }
            all.write(NbdTestClient.request(3, 0, NbdConstants.CMD_READ, 0, 4096, null));
            c.raw(all.toByteArray());
            Set<Long> cookies = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                NbdSimpleReply r = c.readReply();
                assertEquals(0, r.error());
                cookies.add(r.cookie());
                if (r.cookie() == 3) {
                    c.readBytes(4096);
                }
            }
            assertEquals(Set.of(0L, 1L, 2L, 3L), cookies);
        }
    }
}
