package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.e2e.Poll;
import org.understudy.replication.FrameChannel;
import org.understudy.replication.FrameType;
import org.understudy.replication.HandshakeMessages;
import org.understudy.transport.InMemoryStreams;
import org.understudy.transport.StreamConnection;
import org.understudy.transport.StreamListener;

/**
 * The ACK role of a {@link MirrorLink} (see {@link AckRole}): a writer that reads its own ACK, the role handed to the
 * ACK thread when another writer's frame comes or an ACK is still missing, many writers at queue depth 1 on one
 * link, and a link dying while a writer holds the role. The standby is played by the test over an in-memory stream.
 */
class AckRoleTest {
    private final InMemoryStreams net = new InMemoryStreams();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger linkDowns = new AtomicInteger();
    private final AtomicReference<String> downReason = new AtomicReference<>();
    private MirrorLink link;
    /** The standby's end: the test reads the primary's frames and writes ACKs there. */
    private FrameChannel standby;
    private StreamConnection standbyEnd;

    @BeforeEach
    void connect() throws Exception {
        StreamListener listener = net.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        CompletableFuture<StreamConnection> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        StreamConnection primaryEnd = net.connect(listener.localAddress(), Duration.ofSeconds(5));
        standbyEnd = accepted.get(5, TimeUnit.SECONDS);
        standby = new FrameChannel(standbyEnd);
        link = new MirrorLink("p/v", primaryEnd, new FrameChannel(primaryEnd), 1 << 20, 0,
                TimeUnit.MILLISECONDS.toNanos(1500), System::nanoTime, new TrafficCounters(), (l, reason) -> {
                    linkDowns.incrementAndGet();
                    downReason.set(reason);
                });
        link.start(timers);
    }

    @AfterEach
    void close() throws IOException {
        link.kill("test over");
        standbyEnd.close();
        timers.shutdownNow();
    }

    /** One client write's frame; its listener records the answer and the thread that heard it. */
    private static final class Write implements Outbound.Listener {
        final AtomicInteger answers = new AtomicInteger();
        volatile Boolean acked;
        volatile Thread heardOn;

        @Override
        public void frameDone(boolean ok) {
            acked = ok;
            heardOn = Thread.currentThread();
            answers.incrementAndGet();
        }

        boolean done() {
            return answers.get() > 0;
        }
    }

    private Write send() {
        Write w = new Write();
        assertTrue(link.sendWrite(0, 0, ByteBuffer.allocate(4096), 0, 4096, w));
        link.pump();
        return w;
    }

    /** The standby reads one frame and returns its sequence number. */
    private long receive() throws IOException {
        assertEquals(FrameType.WRITE, standby.next());
        return standby.seq();
    }

    private void ack(long seq) throws IOException {
        standby.write(FrameType.ACK, 0, seq, null);
    }

    /** The standby, on a thread of its own: acknowledges every frame, several at once when they queue up. */
    private Thread ackEverything(AtomicLong acked) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    long seq = receive();
                    // now and then let a few frames gather, and acknowledge them with one cumulative ACK
                    if (ThreadLocalRandom.current().nextInt(8) == 0) {
                        Thread.sleep(0, 200_000);
                        while (standbyEnd.available() > 0) {
                            seq = receive();
                        }
                    }
                    ack(seq);
                    acked.set(seq);
                }
            } catch (IOException | InterruptedException e) {
                // the link is closed at the end of the test
            }
        }, "test-standby");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * A writer on a thread of its own, like an NBD reader at QD1: takes the turn, sends, and reads ACKs until its
     * write is answered; {@code sent} completes once its frame is queued, the returned future when it went back.
     */
    private CompletableFuture<Void> borrowingWriter(CompletableFuture<Write> sent) {
        CompletableFuture<Void> back = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                assertTrue(link.reserveAckTurn());
                Write w = send();
                sent.complete(w);
                link.end(true, w::done);
                back.complete(null);
            } catch (Throwable e) {
                sent.completeExceptionally(e);
                back.completeExceptionally(e);
            }
        }, "borrowing-writer");
        t.start();
        return back;
    }

    /** Waits until the borrowing writer is blocked reading the link. */
    private static void awaitWriterReading() {
        Poll.until(Duration.ofSeconds(5), "the writer waits on the link", () -> Thread.getAllStackTraces().keySet()
                .stream().anyMatch(t -> t.getName().equals("borrowing-writer")
                        && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)));
    }

    private static Thread ackThread() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("mirror-ack-p/v"))
                .findFirst().orElse(null);
    }

    @Test
    void aWriterWithNothingElseToDo_readsItsOwnAck_theAckThreadIsNotUsed() throws Exception {
        Thread standbyThread = ackEverything(new AtomicLong());
        for (int i = 0; i < 200; i++) {
            assertTrue(link.reserveAckTurn(), "an idle link's role is free, write " + i);
            Write w = send();
            link.end(true, w::done);
            assertTrue(w.done(), "the writer returned with its write answered");
            assertEquals(Boolean.TRUE, w.acked);
            assertEquals(Thread.currentThread(), w.heardOn, "the ACK was read by the writer, not the ACK thread");
        }
        assertEquals(0, link.pendingCount());
        assertTrue(standbyThread.isAlive());
    }

    @Test
    void aWriterThatCannotWait_handsItsAckToTheAckThread() throws Exception {
        assertTrue(link.reserveAckTurn());
        Write w = send();
        link.end(false, w::done);
        ack(receive());
        Poll.until(Duration.ofSeconds(5), "the ACK thread completes the write", w::done);
        assertEquals(Boolean.TRUE, w.acked);
        assertEquals("mirror-ack-p/v", w.heardOn.getName());
        // the ACK thread gave the role up on the idle link: the next writer gets it
        Poll.until(Duration.ofSeconds(5), "role free again", () -> {
            if (!link.reserveAckTurn()) {
                return false;
            }
            link.end(false, () -> true);
            return true;
        });
    }

    @Test
    void anotherWritersFrame_whileTheRoleIsReserved_goesToTheAckThread_andAnAckForBothCompletesBoth() throws Exception {
        assertTrue(link.reserveAckTurn());
        Write mine = send();
        // another thread writes while the reservation is held: the role goes to the ACK thread at once
        Write other = CompletableFuture.supplyAsync(this::send).get(5, TimeUnit.SECONDS);
        assertFalse(link.reserveAckTurn(), "the ACK thread holds the role now");
        receive();
        ack(receive()); // one cumulative ACK for both, arriving while the role changes hands
        link.end(true, mine::done); // no longer this thread's turn: returns at once
        Poll.until(Duration.ofSeconds(5), "both answered", () -> mine.done() && other.done());
        assertEquals(Boolean.TRUE, mine.acked);
        assertEquals(Boolean.TRUE, other.acked);
        assertEquals("mirror-ack-p/v", other.heardOn.getName());
        assertEquals(1, mine.answers.get());
        assertEquals(1, other.answers.get());
    }

    @Test
    void aBorrowerWhoseOwnWriteIsDone_handsTheRestToTheAckThread() throws Exception {
        CompletableFuture<Write> sent = new CompletableFuture<>();
        CompletableFuture<Void> waiting = borrowingWriter(sent);
        Write mine = sent.get(5, TimeUnit.SECONDS);
        long first = receive();
        // a second writer's frame while the first writer reads ACKs (borrowed: the role stays with the reader)
        awaitWriterReading();
        Write other = CompletableFuture.supplyAsync(this::send).get(5, TimeUnit.SECONDS);
        long second = receive();
        ack(first);
        waiting.get(5, TimeUnit.SECONDS); // its own write answered, the borrower goes back to its own work
        assertTrue(mine.done());
        assertNotEquals("mirror-ack-p/v", mine.heardOn.getName());
        assertFalse(other.done());
        ack(second);
        Poll.until(Duration.ofSeconds(5), "the ACK thread took over the second ACK", other::done);
        assertEquals("mirror-ack-p/v", other.heardOn.getName());
        assertEquals(Boolean.TRUE, other.acked);
    }

    @Test
    void theLinkDyingWhileAWriterHoldsTheRole_failsEveryWriteOnce_andFreesTheWriter() throws Exception {
        CompletableFuture<Write> sent = new CompletableFuture<>();
        CompletableFuture<Void> waiting = borrowingWriter(sent);
        Write mine = sent.get(5, TimeUnit.SECONDS);
        receive();
        // another writer's frame while the first one reads the link: it stays the reader
        awaitWriterReading();
        Write other = CompletableFuture.supplyAsync(this::send).get(5, TimeUnit.SECONDS);
        receive();
        assertFalse(waiting.isDone());
        standby.write(FrameType.ERROR, 0, 0, HandshakeMessages.errorPayload("replica storage failed"));
        waiting.get(5, TimeUnit.SECONDS);
        Poll.until(Duration.ofSeconds(5), "both failed", () -> mine.done() && other.done());
        assertEquals(Boolean.FALSE, mine.acked);
        assertEquals(Boolean.FALSE, other.acked);
        assertEquals(1, mine.answers.get());
        assertEquals(1, other.answers.get());
        assertEquals(1, linkDowns.get());
        assertTrue(downReason.get().contains("replica storage failed"), downReason.get());
        Poll.until(Duration.ofSeconds(5), "the ACK thread ended", () -> ackThread() == null);
    }

    @Test
    void theLinkDyingWhileTheWriterReadsItsOwnAck_failsItsWriteOnce() throws Exception {
        CompletableFuture<Write> sent = new CompletableFuture<>();
        CompletableFuture<Void> waiting = borrowingWriter(sent);
        Write mine = sent.get(5, TimeUnit.SECONDS);
        receive();
        // the standby never answers: the ack watchdog kills the link under the reading writer
        waiting.get(10, TimeUnit.SECONDS);
        assertEquals(Boolean.FALSE, mine.acked);
        assertEquals(1, mine.answers.get());
        assertEquals(1, linkDowns.get());
        assertTrue(downReason.get().contains("no ACK"), downReason.get());
        assertTrue(link.isDead());
        assertFalse(link.reserveAckTurn(), "a dead link gives no turn");
        Poll.until(Duration.ofSeconds(5), "the ACK thread ended", () -> ackThread() == null);
    }

    @Test
    void anErrorOnAnIdleLink_isReadByTheAckThreadWithinAWatchdogPeriod() throws Exception {
        Write w = send(); // the ACK thread reads this one's ACK, then leaves the idle link unread
        ack(receive());
        Poll.until(Duration.ofSeconds(5), "answered", w::done);
        standby.write(FrameType.ERROR, 0, 0, HandshakeMessages.errorPayload("standby shutting down"));
        Poll.until(Duration.ofSeconds(5), "the idle link's ERROR was read", link::isDead);
        assertTrue(downReason.get().contains("standby shutting down"), downReason.get());
    }

    @Test
    void manyWritersAtQueueDepthOne_onOneLink_everyWriteAnsweredOnce_noAckLeftUnread() throws Exception {
        AtomicLong acked = new AtomicLong();
        ackEverything(acked);
        int writers = 8;
        int each = 400;
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger borrowed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int n = 0; n < each; n++) {
                    // like an NBD reader: take the turn when it is free, wait for its own write only sometimes
                    boolean turn = link.reserveAckTurn();
                    Write w = send();
                    if (turn) {
                        borrowed.incrementAndGet();
                        link.end(r.nextInt(4) != 0, w::done);
                    }
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!w.done() && System.nanoTime() < until) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                    }
                    if (!w.done() || w.answers.get() != 1 || !Boolean.TRUE.equals(w.acked)) {
                        problems.add("writer " + id + " write " + n + ": answers " + w.answers.get() + ", acked "
                                + w.acked);
                        return;
                    }
                }
            }, "writer-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(60_000);
            assertFalse(t.isAlive(), t.getName() + " still running");
        }
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(writers * each, acked.get(), "every frame acknowledged");
        assertEquals(0, link.pendingCount());
        assertFalse(link.isDead(), link.downReason());
        assertTrue(borrowed.get() > 0, "some writers held the role");
    }

    @Test
    void aReservationWhoseWriterDoesNotComeBack_goesToTheAckThread_beforeTheAckTimeout() throws Exception {
        assertTrue(link.reserveAckTurn());
        Write w = send(); // then the writer is held up (a slow local write) and does not read
        ack(receive());
        // the watchdog (every quarter of the 1.5 s ack timeout) hands the unread ACK to the ACK thread
        Poll.until(Duration.ofSeconds(5), "the ACK thread read the ACK", w::done);
        assertEquals(Boolean.TRUE, w.acked);
        assertEquals("mirror-ack-p/v", w.heardOn.getName());
        assertFalse(link.isDead(), link.downReason());
        link.end(true, w::done); // comes back late: no longer its turn
        assertEquals(1, w.answers.get());
    }
}
