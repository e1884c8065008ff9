package org.understudy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.understudy.e2e.Poll;

/** The standby's parallel apply of one link's writes: order where ranges overlap, ACKs never ahead of the data. */
@Timeout(20)
class ApplyPipelineTest {
    private final ExecutorService appliers = Executors.newFixedThreadPool(4);
    private final ExecutorService reader = Executors.newSingleThreadExecutor();
    private final List<String> applied = new CopyOnWriteArrayList<>();
    private final AtomicInteger releases = new AtomicInteger();

    @AfterEach
    void stop() {
        appliers.shutdownNow();
        reader.shutdownNow();
    }

    private final AtomicInteger beforeWaits = new AtomicInteger();

    /** Large writes to {@code parallel}; small ones recorded as applied by the reader. */
    private ApplyPipeline pipeline(ApplyPipeline.Target parallel, Runnable onApplied) {
        ApplyPipeline.Target inline = (offset, d) -> applied.add(offset + "+" + d.remaining());
        return new ApplyPipeline(parallel, inline, appliers, onApplied, beforeWaits::incrementAndGet);
    }

    private static ByteBuffer data(int n) {
        return ByteBuffer.allocateDirect(n);
    }

    /** A target that records each write and holds the ones at {@code held} offsets until {@code gate} opens. */
    private ApplyPipeline.Target target(CountDownLatch gate, CountDownLatch entered, long... held) {
        return (offset, d) -> {
            for (long h : held) {
                if (h == offset) {
                    entered.countDown();
                    try {
                        assertTrue(gate.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            }
            applied.add(offset + "+" + d.remaining());
        };
    }

    @Test
    void overlappingWrite_waitsForTheEarlierOne_andLandsAfterIt() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        ApplyPipeline p = pipeline(target(gate, entered, 0), () -> { });
        p.write(1, 0, data(1 << 20), true, releases::incrementAndGet);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        // seq 2 overlaps seq 1 (still being applied): the reader must wait, not apply it first
        Future<?> second = reader.submit(() -> {
            p.write(2, 4096, data(4096), false, releases::incrementAndGet);
            return null;
        });
        assertThrows(java.util.concurrent.TimeoutException.class, () -> second.get(200, TimeUnit.MILLISECONDS));
        assertEquals(List.of(), applied);
        gate.countDown();
        second.get(5, TimeUnit.SECONDS);
        p.drain();
        assertEquals(List.of("0+1048576", "4096+4096"), applied);
        assertEquals(2, p.appliedThrough());
        assertEquals(2, releases.get(), "every payload given back");
        assertEquals(1, beforeWaits.get(), "the reader let go of what it holds before it waited (snapshot gate)");
    }

    @Test
    void disjointLargeWrites_areAppliedAtOnce() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(2);
        ApplyPipeline p = pipeline(target(gate, entered, 0, 1 << 20), () -> { });
        p.write(1, 0, data(1 << 20), true, releases::incrementAndGet);
        p.write(2, 1 << 20, data(1 << 20), true, releases::incrementAndGet);
        assertTrue(entered.await(5, TimeUnit.SECONDS), "both writes in the target together");
        gate.countDown();
        p.drain();
        assertEquals(2, applied.size());
    }

    @Test
    void appliedThrough_neverPassesAWriteStillBeingApplied() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicInteger told = new AtomicInteger();
        ApplyPipeline p = pipeline(target(gate, entered, 0), told::incrementAndGet);
        p.write(1, 0, data(1 << 20), true, releases::incrementAndGet);
        p.write(2, 2 << 20, data(4096), false, releases::incrementAndGet); // disjoint, applied by the reader at once
        p.done(3);                                                          // a KEEPALIVE
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        assertEquals(List.of((2 << 20) + "+4096"), applied);
        assertEquals(0, p.appliedThrough(), "seq 2 and 3 are done but seq 1 is not: nothing to acknowledge yet");
        gate.countDown();
        p.drain();
        assertEquals(3, p.appliedThrough());
        // the applier tells the session after the write counts as applied (so its ACK can include it)
        Poll.until(java.time.Duration.ofSeconds(5), "the session hears of the applier's write, to acknowledge it",
                () -> told.get() == 1);
    }

    @Test
    void failedWrite_holdsTheAckBack_andIsThrownToTheReader() throws Exception {
        ApplyPipeline p = pipeline((offset, d) -> {
            if (offset == 0) {
                throw new IOException("No space left on device");
            }
        }, () -> { });
        p.write(1, 0, data(1 << 20), true, releases::incrementAndGet);
        IOException e = assertThrows(IOException.class, p::drain);
        assertTrue(e.getMessage().contains("No space"), e.getMessage());
        assertThrows(IOException.class, () -> p.write(2, 1 << 20, data(4096), false, releases::incrementAndGet));
        assertEquals(0, p.appliedThrough());
        p.quiesce();
        assertEquals(1, releases.get(), "the failed write's payload is given back; the refused one never taken");
    }

    @Test
    void quiesce_returnsOnlyWhenNoApplierTouchesTheReplica() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        ApplyPipeline p = pipeline(target(gate, entered, 0), () -> { });
        p.write(1, 0, data(1 << 20), true, releases::incrementAndGet);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        Future<?> q = reader.submit(p::quiesce);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> q.get(200, TimeUnit.MILLISECONDS));
        gate.countDown();
        q.get(5, TimeUnit.SECONDS);
        assertFalse(applied.isEmpty());
    }
}
