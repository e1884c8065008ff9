package org.understudy.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Fixed-rate tasks of one period share the scheduler's wake-ups; cancelling one leaves the others running. */
class ExecutorSchedulerTest {
    private static final long PERIOD = 200_000_000L;

    @Test
    void tasksOfOnePeriod_runInTheSameTick_evenWhenAddedHalfAPeriodApart() throws Exception {
        try (ExecutorScheduler scheduler = new ExecutorScheduler("scheduler-test")) {
            AtomicLong lastA = new AtomicLong();
            AtomicInteger runsA = new AtomicInteger();
            Scheduler.Cancellable a = scheduler.scheduleAtFixedRate(() -> {
                lastA.set(System.nanoTime());
                runsA.incrementAndGet();
            }, PERIOD);
            pollUntil(() -> runsA.get() > 0);
            // B is added half a period after A ran: on a schedule of its own it would run half a period off A's
            pollUntil(() -> System.nanoTime() - lastA.get() >= PERIOD / 2);
            ConcurrentLinkedQueue<Long> offsets = new ConcurrentLinkedQueue<>();
            Scheduler.Cancellable b = scheduler.scheduleAtFixedRate(
                    () -> offsets.add(System.nanoTime() - lastA.get()), PERIOD);
            pollUntil(() -> offsets.size() >= 3);
            for (long offset : offsets) {
                assertTrue(offset < PERIOD / 10, "B ran " + offset / 1_000_000 + " ms after A: not in A's tick");
            }
            a.cancel();
            int bRuns = offsets.size();
            pollUntil(() -> offsets.size() >= bRuns + 2);
            int aRuns = runsA.get();
            pollUntil(() -> offsets.size() >= bRuns + 4);
            assertTrue(runsA.get() <= aRuns + 1, "A runs on after it was cancelled");
            b.cancel();
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok();
    }

    private static void pollUntil(Check check) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!check.ok()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(1);
        }
    }
}
