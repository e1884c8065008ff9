package org.understudy.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads for blocking workers (the standby's links, its snapshot stores' forcing threads): a bounded number on
 * platform threads, the rest virtual, slots given back.
 */
@Timeout(10)
class BlockingThreadsTest {

    @Test
    void newThread_withinTheLimit_isPlatformThenVirtualPastIt() throws Exception {
        BlockingThreads threads = new BlockingThreads(2);
        CountDownLatch release = new CountDownLatch(1);
        Runnable hold = () -> awaitQuietly(release);
        Thread a = threads.newThread("a", hold);
        Thread b = threads.newThread("b", hold);
        Thread c = threads.newThread("c", hold);
        assertFalse(a.isVirtual());
        assertFalse(b.isVirtual());
        assertTrue(c.isVirtual(), "a third link past a limit of 2 must not get a platform thread");
        assertTrue(a.isDaemon(), "a link thread never keeps the standby's JVM alive");
        assertEquals(2, threads.platformInUse());
        a.start();
        b.start();
        c.start();
        release.countDown();
        a.join();
        b.join();
        c.join();
        assertEquals(0, threads.platformInUse());
    }

    @Test
    void newThread_afterAPlatformLinkEnded_reusesItsSlot() throws Exception {
        BlockingThreads threads = new BlockingThreads(1);
        Thread first = threads.newThread("first", () -> { });
        assertFalse(first.isVirtual());
        first.start();
        first.join();
        Thread next = threads.newThread("next", () -> { });
        assertFalse(next.isVirtual(), "the slot of an ended link is free again");
    }

    @Test
    void newThread_whenTheLinkThrows_stillGivesTheSlotBack() throws Exception {
        BlockingThreads threads = new BlockingThreads(1);
        Thread failing = threads.newThread("failing", () -> {
            throw new IllegalStateException("link failed");
        });
        failing.setUncaughtExceptionHandler((t, e) -> { });
        failing.start();
        failing.join();
        assertEquals(0, threads.platformInUse());
    }

    @Test
    void newThread_withNoPlatformSlots_isAlwaysVirtual() {
        BlockingThreads threads = new BlockingThreads(0);
        assertTrue(threads.newThread("v", () -> { }).isVirtual());
        assertThrows(IllegalArgumentException.class, () -> new BlockingThreads(-1));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
