package org.understudy.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ElasticPoolTest {
    private ExecutorService pool;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private int threads() {
        return ((ThreadPoolExecutor) pool).getPoolSize();
    }

    /** Runs a task and waits for it; returns the name of the thread that ran it. */
    private String runOne() throws Exception {
        return ranOn().getName();
    }

    /** Runs a task and waits for it; returns the thread that ran it. */
    private Thread ranOn() throws Exception {
        return pool.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
    }

    @Test
    void tasksOneAfterAnother_reuseOneIdleThread() throws Exception {
        pool = ElasticPool.create("t", 8, 30);
        Set<String> names = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 20; i++) {
            Thread worker = ranOn();
            names.add(worker.getName());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (worker.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the thread waits for the next task, as an idle one does
            }
        }
        assertEquals(Set.of("t-1"), names, "an idle thread serves the next task; no new thread per task");
        assertEquals(1, threads());
    }

    @Test
    void burst_getsAThreadPerTaskUpToTheCap_restWaitInLine() throws Exception {
        pool = ElasticPool.create("t", 4, 30);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            pool.execute(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                done.countDown();
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running.get() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(4, running.get(), "four tasks run at once, on four threads");
        assertEquals(4, threads());
        release.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS), "the six tasks in line ran once threads were free");
        assertEquals(4, most.get(), "never more threads than the cap");
    }

    @Test
    void idleThreads_endAfterTheKeepAlive() throws Exception {
        pool = ElasticPool.create("t", 4, 1);
        runOne();
        assertEquals(1, threads());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, threads(), "an idle pool holds no thread");
        assertEquals("t-2", runOne(), "a task after that gets a new thread");
    }

    @Test
    void threads_areDaemons_andAShutDownPoolRefusesTasks() throws Exception {
        pool = ElasticPool.create("t", 2, 30);
        assertTrue(pool.submit(() -> Thread.currentThread().isDaemon()).get(5, TimeUnit.SECONDS));
        pool.shutdown();
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
    }

    @Test
    void badSizes_refused() {
        assertThrows(IllegalArgumentException.class, () -> ElasticPool.create("t", 0, 30));
        assertThrows(IllegalArgumentException.class, () -> ElasticPool.create("t", 4, 0));
    }
}
