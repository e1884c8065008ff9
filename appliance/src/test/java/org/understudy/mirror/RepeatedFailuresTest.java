package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fenced primary's reconnect refusals are logged once, then with a count. Regression: 64 WARN lines in two minutes,
 * one per refused reconnect.
 */
class RepeatedFailuresTest {
    private static final String FENCED = "standby refused: fenced at epoch 3 since 2026-12-06T05:00:00Z: taken over";

    @Test
    void fencedRefusalsEveryTwoSecondsForTwoMinutes_twoLinesTheSecondWithTheCount() {
        RepeatedFailures f = new RepeatedFailures();
        List<Long> lines = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            long n = f.failed(FENCED, i * 1_900_000_000L);
            if (n >= 0) {
                lines.add(n);
            }
        }
        assertEquals(List.of(0L, 31L), lines, "the first at once, the next after a minute with the 31 not logged");
        assertEquals(64, f.inARow());
        assertEquals(0, f.since());
    }

    @Test
    void aDifferentFailure_isNewsAtOnce_andASuccessStartsAfresh() {
        RepeatedFailures f = new RepeatedFailures();
        assertEquals(0, f.failed(FENCED, 0));
        assertEquals(-1, f.failed(FENCED, 1_000_000_000L));
        assertEquals(0, f.failed("connection refused", 2_000_000_000L), "another failure is logged at once");
        assertEquals(-1, f.failed("connection refused", 3_000_000_000L));
        assertEquals(1, f.succeeded(), "one failure was not logged");
        assertEquals(0, f.failed("connection refused", 4_000_000_000L), "after a success the same failure is news");
    }

    @Test
    void thePauseDoubles_upToAnHour() {
        RepeatedFailures f = new RepeatedFailures();
        List<Long> at = new ArrayList<>();
        for (long s = 0; s <= 15_000; s += 5) {
            if (f.failed(FENCED, s * 1_000_000_000L) >= 0) {
                at.add(s);
            }
        }
        // 0, +1 min, +2, +4, +8, +16, +32, +60, +60 ...
        assertEquals(List.of(0L, 60L, 180L, 420L, 900L, 1860L, 3780L, 7380L, 10980L, 14580L), at);
    }
}
