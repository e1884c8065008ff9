package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writes that complete while the reader starts them (a mirrored volume with no standby to wait for) have their
 * replies held while the reader goes on with the requests already buffered, and those replies leave together when the
 * reader next waits: fewer socket writes than replies, and never a reply left behind. A reply held forever would
 * make these tests time out; a reply held past the reader's wait for permits would deadlock them.
 */
@Timeout(30)
class NbdReaderReplyBatchTest {
    private static final int SIZE = 4 << 20;

    /** Completes every write on the thread that starts it, as a volume without a link does. */
    private static final class AtOnceDevice extends LaterWritesDevice {
        final AtomicInteger started = new AtomicInteger();

        AtOnceDevice() {
            super(SIZE);
        }

        @Override
        void written(long offset, boolean moreFollow, WriteCallback callback) {
            started.incrementAndGet();
            callback.done(null);
        }
    }

    private final AtOnceDevice dev = new AtOnceDevice();
    private NbdServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }


    private static byte[] writes(int n) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) (i + 1));
            all.write(NbdTestClient.request(i, 0, NbdConstants.CMD_WRITE, 4096L * i, 4096, data));
        }
        return all.toByteArray();
    }

    private static Set<Long> replies(NbdTestClient c, int n) throws IOException {
        Set<Long> cookies = new HashSet<>();
        for (int i = 0; i < n; i++) {
            NbdSimpleReply r = c.readReply();
            assertEquals(0, r.error(), "reply to cookie " + r.cookie());
            cookies.add(r.cookie());
        }
        return cookies;
    }

    @Test
    void writesBufferedTogether_repliesLeaveTogether() throws Exception {
        server = NbdTestServers.servingVol0(dev, 128, 32 << 20);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            c.raw(writes(64)); // 262 KB in one go: the reader parses several buffers' worth of requests per read
            assertEquals(64, replies(c, 64).size());
            long writes = server.replyWrites();
            assertEquals(64, dev.started.get());
            // each read of requests (64 KiB at most, 15 writes) ends in one socket write of their replies
            assertTrue(writes <= 32, "64 replies took " + writes + " socket writes");
            for (int i = 0; i < 64; i++) {
                byte[] expect = new byte[4096];
                Arrays.fill(expect, (byte) (i + 1));
                assertArrayEquals(expect, c.read(4096L * i, 4096), "block " + i);
            }
        }
    }

    @Test
    void heldRepliesGiveTheirPermitsBack_beforeTheReaderWaitsForThem() throws Exception {
        // 4 requests in flight at most: the reader runs out of permits with replies held, and must send them first
        server = NbdTestServers.servingVol0(dev, 4, 32 << 20);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            c.raw(writes(40));
            assertEquals(40, replies(c, 40).size());
        }
    }

    @Test
    void heldReplies_thenARead_thenNothing_everyReplyOutBeforeTheClientWaits() throws Exception {
        server = NbdTestServers.servingVol0(dev, 128, 32 << 20);
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(writes(3));
            all.write(NbdTestClient.request(3, 0, NbdConstants.CMD_READ, 0, 4096, null));
            c.raw(all.toByteArray());
            Set<Long> cookies = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                NbdSimpleReply r = c.readReply();
                assertEquals(0, r.error());
                cookies.add(r.cookie());
                if (r.cookie() == 3) {
                    byte[] first = new byte[4096];
                    Arrays.fill(first, (byte) 1);
                    assertArrayEquals(first, c.readBytes(4096));
                }
            }
            assertEquals(Set.of(0L, 1L, 2L, 3L), cookies);
            // then one write alone: its reply leaves when the reader waits for the next request
            c.raw(writes(1));
            assertEquals(Set.of(0L), replies(c, 1));
        }
    }
}
