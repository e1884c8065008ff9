package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Token bucket and throttle sets on a fake clock: rates, bursts, run-time changes, the shared global cap. */
class TokenBucketTest {

    static final long MB = 1_000_000;
    static final long SEC = 1_000_000_000L;

    final AtomicLong clock = new AtomicLong(1_000 * SEC);
    /** Single-threaded simulation: waiting just moves the fake clock forward by the time asked for. */
    final TokenBucket.Waiter advancing = (c, nanos) -> clock.addAndGet(nanos);

    @Test
    void acquire_longRun_within1PercentOfCap() throws InterruptedException {
        TokenBucket b = new TokenBucket("t", 10 * MB, 1 * MB, clock::get, advancing);
        long start = clock.get();
        long bytes = 0;
        while (clock.get() - start < 100 * SEC) {
            b.acquire(64 * 1024);
            bytes += 64 * 1024;
        }
        double rate = bytes / ((clock.get() - start) / (double) SEC);
        assertEquals(10 * MB, rate, 10 * MB * 0.01, "long-run rate " + rate);
    }

    @Test
    void acquire_oddSizesLargerThanBurst_rateStillExact() throws InterruptedException {
        TokenBucket b = new TokenBucket("t", 3 * MB, 100_000, clock::get, advancing);
        long start = clock.get();
        long bytes = 0;
        for (int i = 0; clock.get() - start < 60 * SEC; i++) {
            long n = 1 + (i * 7919L) % 400_000; // up to 4x the burst: debt, never refusal
            b.acquire(n);
            bytes += n;
        }
        double rate = bytes / ((clock.get() - start) / (double) SEC);
        assertEquals(3 * MB, rate, 3 * MB * 0.01, "long-run rate " + rate);
    }

    @Test
    void tryAcquire_afterLongIdle_burstBounded() {
        TokenBucket b = new TokenBucket("t", 10 * MB, 2 * MB, clock::get, advancing);
        clock.addAndGet(3600 * SEC);
        long got = 0;
        while (b.tryAcquire(4096)) {
            got += 4096;
        }
        while (b.tryAcquire(1)) {
            got++;
        }
        assertEquals(2 * MB, got, "exactly one burst after an hour idle");
        assertFalse(b.tryAcquire(1));
        clock.addAndGet(SEC / 1000); // 1 ms later: 10 kB more
        assertTrue(b.tryAcquire(8192));
    }

    @Test
    void anyWindow_bytesAtMostRateTimesWindowPlusBurst() throws InterruptedException {
        TokenBucket b = new TokenBucket("t", 5 * MB, 500_000, clock::get, advancing);
        clock.addAndGet(100 * SEC);
        long start = clock.get();
        long bytes = 0;
        while (clock.get() - start < 2 * SEC) {
            b.acquire(50_000);
            bytes += 50_000;
            double window = (clock.get() - start) / (double) SEC;
            assertTrue(bytes <= 5 * MB * window + 500_000 + 50_000, "bytes " + bytes + " after " + window + " s");
        }
    }

    @Test
    void unlimited_neverWaits_andLeavingUnlimitedStartsEmpty() throws InterruptedException {
        TokenBucket b = new TokenBucket("t", 0, 0, clock::get, (c, n) -> {
            throw new AssertionError("unlimited must not wait");
        });
        long t = clock.get();
        for (int i = 0; i < 1000; i++) {
            b.acquire(1 << 30);
        }
        assertEquals(t, clock.get());
        b.setRate(1 * MB, 100_000);
        assertFalse(b.tryAcquire(100_000), "no credit carried over from unlimited");
        clock.addAndGet(SEC / 10);
        assertTrue(b.tryAcquire(100_000));
        b.setRate(0, 0);
        assertTrue(b.tryAcquire(1L << 40));
    }

    @Test
    void setRate_whileAThreadWaits_takesEffectWithoutWaitingOutTheOldRate() throws Exception {
        // the waiter really blocks (in short slices), while the test moves the fake clock
        TokenBucket b = new TokenBucket("t", 1_000, 1_000, clock::get,
                (c, nanos) -> c.await(5, TimeUnit.MILLISECONDS));
        assertTrue(b.tryAcquire(1_000)); // empty the bucket
        AtomicReference<Long> doneAt = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                b.acquire(1_000_000); // at 1 kB/s it would wait until half the bucket (500 B) is there
                doneAt.set(clock.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long before = clock.get();
        clock.addAndGet(SEC / 4); // a quarter second at the old rate: 250 B, not the 500 B half-bucket it needs
        pollUntil(() -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
        b.setRate(10 * MB, 1 * MB);
        clock.addAndGet(SEC / 10); // 100 ms at the new rate fills the 1 MB burst
        pollUntil(() -> doneAt.get() != null);
        assertTrue(doneAt.get() > before + SEC / 4, "it really waited for the new rate");
        assertTrue(doneAt.get() - before <= SEC, "finished after " + (doneAt.get() - before) + " ns of fake time");
        t.join();
    }

    @Test
    void globalCap_sharedBetweenTwoLinks() throws InterruptedException {
        ThrottleSet set = new ThrottleSet("mirror", 10 * MB, clock::get, advancing);
        set.setLinkRate("p1", 8 * MB);
        set.setLinkRate("p2", 8 * MB);
        ThrottleSet.Link a = set.link("p1");
        ThrottleSet.Link b = set.link("p2");
        long start = clock.get();
        long bytesA = 0;
        long bytesB = 0;
        while (clock.get() - start < 50 * SEC) {
            a.acquire(64_000);
            bytesA += 64_000;
            b.acquire(64_000);
            bytesB += 64_000;
        }
        double secs = (clock.get() - start) / (double) SEC;
        assertEquals(10 * MB, (bytesA + bytesB) / secs, 10 * MB * 0.01, "global cap holds for the sum");
        assertEquals(5 * MB, bytesA / secs, 5 * MB * 0.02, "links share it");
    }

    @Test
    void linkCapBelowGlobal_linkCapWins() throws InterruptedException {
        ThrottleSet set = new ThrottleSet("resync", 10 * MB, clock::get, advancing);
        set.setLinkRate("p1", 2 * MB);
        ThrottleSet.Link a = set.link("p1");
        long start = clock.get();
        long bytes = 0;
        while (clock.get() - start < 50 * SEC) {
            a.acquire(32_000);
            bytes += 32_000;
        }
        assertEquals(2 * MB, bytes / ((clock.get() - start) / (double) SEC), 2 * MB * 0.01);
        assertEquals(2 * MB, set.linkRate("p1"));
        assertEquals(0, set.linkRate("unknown"));
    }

    @Test
    void tryAcquire_globalRefuses_linkTokensGivenBack() {
        ThrottleSet set = new ThrottleSet("mirror", 1 * MB, clock::get, advancing);
        set.setLinkRate("p1", 1 * MB);
        set.global().setRate(1 * MB, 100_000);
        set.link("p1").bucket().setRate(1 * MB, 100_000);
        clock.addAndGet(SEC);
        assertTrue(set.global().tryAcquire(100_000)); // someone else drained the global cap
        double before = set.link("p1").bucket().available();
        assertFalse(set.link("p1").tryAcquire(50_000));
        assertEquals(before, set.link("p1").bucket().available(), 1.0);
    }

    @Test
    void acquire_interruptedWhileWaiting_throwsAndRefundsLink() throws Exception {
        ThrottleSet set = new ThrottleSet("mirror", 1_000, clock::get, (c, n) -> c.await(5, TimeUnit.MILLISECONDS));
        set.global().setRate(1_000, 1_000);
        set.link("p1").bucket().setRate(1 * MB, 100_000);
        clock.addAndGet(SEC);
        assertTrue(set.global().tryAcquire(1_000)); // the global cap is drained, the link cap is full
        double linkBefore = set.link("p1").bucket().available();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                set.link("p1").acquire(1_000);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        pollUntil(() -> t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        t.join(Duration.ofSeconds(5));
        assertTrue(thrown.get() instanceof InterruptedException, "got " + thrown.get());
        assertEquals(linkBefore, set.link("p1").bucket().available(), 1.0);
    }

    @Test
    void badRates_rejectedWithReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenBucket("t", -1, 0, clock::get, advancing));
        assertTrue(e.getMessage().contains("rate"), e.getMessage());
        TokenBucket b = new TokenBucket("t", 1, 0, clock::get, advancing);
        assertThrows(IllegalArgumentException.class, () -> b.setRate(5, -2));
        assertEquals(64 * 1024, b.burst(), "default burst floor");
    }

    static void pollUntil(BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 10 * SEC;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
