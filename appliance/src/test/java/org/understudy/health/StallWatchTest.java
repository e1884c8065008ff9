package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stall witness on a fake clock: a wake-up on time is no stall, one a whole period late is, and says when. */
class StallWatchTest {
    private static final long MS = 1_000_000;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final AtomicLong sleepFor = new AtomicLong(50 * MS);
    private final StallWatch watch = new StallWatch(clock::get, ns -> clock.addAndGet(sleepFor.get()), 50 * MS);

    @Test
    void wakeUpsOnTime_noStall() {
        long start = clock.get();
        for (int i = 0; i < 10; i++) {
            watch.step();
        }
        assertFalse(watch.stalled(start, 0));
    }

    @Test
    void wakeUpLate_theProcessStoodStill_stallSeenAfterItsStartOnlyAndLongerThanAsked() {
        watch.step();
        long before = clock.get();
        sleepFor.set(450 * MS); // the whole process stood still 400 ms past the wake-up
        watch.step();
        sleepFor.set(50 * MS);
        watch.step();
        assertTrue(watch.stalled(before, 125 * MS));
        assertFalse(watch.stalled(before, 400 * MS), "a stall of 400 ms is not longer than 400 ms");
        assertFalse(watch.stalled(clock.get(), 0), "nothing stood still since now");
    }

    @Test
    void realThread_startsAndStops() throws Exception {
        try (StallWatch w = StallWatch.start("test", 10 * MS)) {
            Thread.sleep(50);
            assertFalse(w.stalled(System.nanoTime(), 0));
        }
    }
}
