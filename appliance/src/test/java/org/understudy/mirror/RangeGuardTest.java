package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.understudy.model.LatencySummary;

class RangeGuardTest {

    @Test
    void overlappingRange_waitsForRelease_disjointRangeDoesNot() throws Exception {
        RangeGuard g = new RangeGuard();
        RangeGuard.Range a = g.acquire(0, 4096);
        RangeGuard.Range disjoint = g.acquire(4096, 4096); // adjacent, not overlapping: no wait
        AtomicBoolean got = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                RangeGuard.Range b = g.acquire(2048, 100);
                got.set(true);
                g.release(b);
            } catch (Exception e) {
                throw new RuntimeException(e);
            } finally {
                done.countDown();
            }
        });
        t.start();
        assertTrue(!done.await(100, TimeUnit.MILLISECONDS) && !got.get(), "overlapping acquire must wait");
        g.release(a);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertTrue(got.get());
        g.release(disjoint);
    }

    @Test
    void histogram_percentilesAreCloseAndNeverUnderstated() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.recordMicros(i);
        }
        LatencySummary s = h.summary();
        assertEquals(1000, s.count());
        assertTrue(s.p50Micros() >= 500 && s.p50Micros() <= 520, s.toString());
        assertTrue(s.p99Micros() >= 990 && s.p99Micros() <= 1000, s.toString());
        assertEquals(1000, s.maxMicros());
        for (long v : new long[] {0, 1, 63, 64, 65, 1000, 123_456, 1L << 35}) {
            int idx = LatencyHistogram.index(v);
            assertTrue(LatencyHistogram.upperBound(idx) >= v, "bucket of " + v);
            assertTrue(LatencyHistogram.upperBound(idx) <= v + v / 30 + 1, "bucket of " + v + " is tight");
        }
    }
}
