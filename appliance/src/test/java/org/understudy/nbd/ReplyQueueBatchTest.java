package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.transport.OutputBatch;

/**
 * Replies held in an {@link OutputBatch} ({@link ReplyQueue}): over a real loopback socket, nothing leaves before the
 * batch ends, then every reply leaves whole, in the order sent, and each is finished exactly once; a reply sent
 * outside the batch takes the held ones with it first; a socket that takes only part of them gets the rest through
 * the flusher; a closed connection gives the held ones back.
 */
class ReplyQueueBatchTest {
    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel served;
    private ReplyFlusher flusher;
    private final List<Integer> finished = new CopyOnWriteArrayList<>();
    private final List<IOException> failures = new CopyOnWriteArrayList<>();
    private ReplyQueue queue;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(server.getLocalAddress());
        served = server.accept();
        served.configureBlocking(false);
        flusher = new ReplyFlusher("nbd-replies-test");
        queue = new ReplyQueue(served, flusher, (release, bytes) -> finished.add(bytes), failures::add);
    }

    @AfterEach
    void close() throws IOException {
        flusher.close();
        client.close();
        served.close();
        server.close();
    }

    @Test
    void repliesInABatchLeaveTogetherWhenItEnds() throws Exception {
        try (OutputBatch batch = new OutputBatch().open()) {
            for (int i = 0; i < 10; i++) {
                queue.send(0, 1000 + i, null, null, i);
            }
            assertEquals(0, available(), "nothing leaves while the batch is open");
            assertTrue(finished.isEmpty(), "a held reply keeps its permits until it is out");
        }
        assertEquals(cookies(1000, 10), readCookies(10));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), finished);
        assertTrue(failures.isEmpty());
        assertFalse(OutputBatch.isOpen());
    }

    @Test
    void aReplySentOutsideTheBatchTakesTheHeldOnesFirst() throws Exception {
        try (OutputBatch batch = new OutputBatch().open()) {
            queue.send(0, 1, null, null, 1);
            queue.send(0, 2, null, null, 2);
            Thread other = Thread.ofPlatform().start(() -> queue.send(0, 3, null, null, 3));
            other.join(5_000);
            assertEquals(cookies(1, 3), readCookies(3), "held replies leave before the other thread's, in order");
            queue.send(0, 4, null, null, 4);
        }
        assertEquals(List.of(4L), readCookies(1));
        assertEquals(List.of(1, 2, 3, 4), finished);
    }

    @Test
    void aBatchOfMoreThanTheHeldBoundLosesNothing() throws Exception {
        int n = ReplyQueue.HELD_MAX * 3 + 5;
        try (OutputBatch batch = new OutputBatch().open()) {
            for (int i = 0; i < n; i++) {
                queue.send(0, i, null, null, 1);
            }
        }
        assertEquals(cookies(0, n), readCookies(n));
        assertEquals(n, finished.size());
    }

    @Test
    void aSocketThatTakesPartOfTheHeldRepliesGetsTheRestFromTheFlusher() throws Exception {
        served.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        client.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        // fill the socket with a reply carrying data until it no longer takes it whole
        int filler = 0;
        while (queue.queuedTotal() == 0 && filler < 10_000) {
            queue.send(0, 7, ByteBuffer.allocate(4096), null, -1);
            filler++;
        }
        assertTrue(queue.queuedTotal() > 0, "the client's socket never filled");
        try (OutputBatch batch = new OutputBatch().open()) {
            for (int i = 0; i < 20; i++) {
                queue.send(0, 5000 + i, null, null, i);
            }
        }
        // the client drains the filler replies and their data, then finds every held reply, in order
        ByteBuffer in = ByteBuffer.allocate(16 + 4096);
        for (int f = 0; f < filler; f++) {
            in.clear();
            readFully(in);
            assertEquals(7, in.getLong(8));
        }
        assertEquals(cookies(5000, 20), readCookies(20));
        List<Integer> held = finished.stream().filter(b -> b >= 0).toList();
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19), held);
        assertTrue(failures.isEmpty());
    }

    @Test
    void aClosedConnectionGivesHeldRepliesBack() throws Exception {
        try (OutputBatch batch = new OutputBatch().open()) {
            queue.send(0, 1, null, null, 1);
            queue.send(0, 2, null, null, 2);
            queue.abandon();
            assertEquals(List.of(1, 2), finished);
        }
        assertEquals(List.of(1, 2), finished, "released after the close: nothing written, nothing finished twice");
        assertEquals(0, available());
    }

    @Test
    void aBatchBelongsToOneThreadAndOpensOnce() throws InterruptedException {
        OutputBatch batch = new OutputBatch();
        assertFalse(OutputBatch.hold(() -> { }), "no batch open: write at once");
        batch.open();
        try {
            assertTrue(OutputBatch.isOpen());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, new OutputBatch()::open);
            boolean[] elsewhere = new boolean[1];
            Thread t = Thread.ofPlatform().start(() -> elsewhere[0] = OutputBatch.isOpen());
            t.join(5_000);
            assertFalse(t.isAlive());
            assertFalse(elsewhere[0], "another thread has no batch open");
        } finally {
            batch.close();
        }
        assertFalse(OutputBatch.isOpen());
    }

    @Test
    void aHolderThatThrowsDoesNotKeepTheOthersBack() throws Exception {
        OutputBatch batch = new OutputBatch();
        batch.open();
        OutputBatch.hold(() -> {
            throw new IllegalStateException("broken holder");
        });
        queue.send(0, 42, null, null, 1);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, batch::close);
        assertEquals(List.of(42L), readCookies(1), "the reply held after the broken holder still leaves");
        assertFalse(OutputBatch.isOpen());
    }

    private static List<Long> cookies(long first, int n) {
        List<Long> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(first + i);
        }
        return l;
    }

    /** Reads {@code n} simple replies (5 s bound), checking their magic and error. */
    private List<Long> readCookies(int n) throws IOException, NbdProtocolException {
        ByteBuffer in = ByteBuffer.allocate(n * NbdConstants.SIMPLE_REPLY_SIZE);
        readFully(in);
        List<Long> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NbdSimpleReply r = NbdSimpleReply.decode(in);
            assertEquals(0, r.error());
            l.add(r.cookie());
        }
        return l;
    }

    private void readFully(ByteBuffer in) throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        client.configureBlocking(false);
        while (in.hasRemaining()) {
            if (client.read(in) < 0 || System.nanoTime() > end) {
                throw new IOException("replies missing: " + in.remaining() + " bytes not read");
            }
            Thread.onSpinWait();
        }
        in.flip();
    }

    /** Bytes the client can read now, after a short wait for anything in flight on loopback. */
    private int available() throws IOException, InterruptedException {
        Thread.sleep(50);
        client.configureBlocking(false);
        ByteBuffer b = ByteBuffer.allocate(1);
        int n = client.read(b);
        assertTrue(n <= 0, "bytes arrived that should have been held");
        return Math.max(n, 0);
    }
}
