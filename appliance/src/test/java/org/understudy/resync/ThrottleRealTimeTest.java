package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The throttle on the real clock with real threads: a 20 MB/s cap held, a rate change felt within a second. */
class ThrottleRealTimeTest {

    static final long MB = 1_000_000;

    @Test
    void twentyMBps_heldWithin10Percent_over3s_with6Threads() throws Exception {
        ThrottleSet set = new ThrottleSet("mirror", 0, System::nanoTime, TokenBucket.Waiter.REAL);
        long burst = Long.getLong("understudy.test.burst", 0);
        set.global().setRate(20 * MB, burst);
        burst = set.global().burst();
        set.setLinkRate("p1", 0);
        long windowNanos = 3_000_000_000L;
        AtomicLong bytes = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String link = "p" + (i % 3);
            threads.add(Thread.ofVirtual().start(() -> {
                ThrottleSet.Link l = set.link(link);
                try {
                    while (System.nanoTime() - start < windowNanos) {
                        l.acquire(64 * 1024);
                        if (System.nanoTime() - start <= windowNanos) {
                            bytes.addAndGet(64 * 1024);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(20));
        }
        // the bucket starts empty when it leaves 'unlimited', so every byte counted was earned at the cap
        double rate = bytes.get() / (windowNanos / 1e9);
        System.out.printf("FIGURE real-time throttle: cap 20.00 MB/s, measured %.2f MB/s over 3 s, 6 threads, burst %d B%n",
                rate / 1e6, burst);
        assertEquals(20 * MB, rate, 2 * MB, "measured " + rate + " B/s");
    }

    @Test
    void rateRaised_threadAlreadyWaiting_proceedsWithinOneSecond() throws Exception {
        TokenBucket b = new TokenBucket("resync/p1", 1_000, 1_000, System::nanoTime, TokenBucket.Waiter.REAL);
        assertTrue(b.tryAcquire(1_000));
        AtomicLong doneAt = new AtomicLong();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                b.acquire(500_000); // ~500 s at the old rate
                doneAt.set(System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        TokenBucketTest.pollUntil(() -> t.getState() == Thread.State.TIMED_WAITING
                || t.getState() == Thread.State.WAITING);
        long changedAt = System.nanoTime();
        b.setRate(50 * MB, 0);
        assertTrue(t.join(Duration.ofSeconds(5)), "waiter still blocked 5 s after the rate change");
        long ms = (doneAt.get() - changedAt) / 1_000_000;
        System.out.printf("FIGURE rate change felt by a waiting thread after %d ms%n", ms);
        assertTrue(ms < 1000, "took " + ms + " ms");
    }
}
