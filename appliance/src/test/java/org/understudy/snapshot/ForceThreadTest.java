package org.understudy.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ForceThreadTest {
    private final List<Thread> made = new ArrayList<>();

    private ForceThread forcer(ForceThread.Force force, long idleMillis) {
        return new ForceThread("force-test", force, idleMillis, r -> {
            Thread t = Thread.ofPlatform().daemon().unstarted(r);
            synchronized (made) {
                made.add(t);
            }
            return t;
        });
    }

    /** {@link ForceThread#await} within a bound: a request lost by a broken thread fails the test, never hangs it. */
    private static void awaitWithin(ForceThread f, ForceThread.Request r) throws IOException {
        IOException[] failed = new IOException[1];
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try {
                f.await(r);
            } catch (IOException e) {
                failed[0] = e;
            }
        });
        try {
            if (!t.join(java.time.Duration.ofSeconds(10))) {
                throw new AssertionError("request not served within 10 s");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    @Test
    void manyCommits_oneLongLivedThreadForcesThemAll_notAThreadPerCommit() throws IOException {
        AtomicLong forcedUpTo = new AtomicLong();
        List<Thread> forcing = new ArrayList<>();
        try (ForceThread f = forcer(t -> {
            forcing.add(Thread.currentThread());
            forcedUpTo.accumulateAndGet(t, Math::max);
        }, 60_000)) {
            for (long ticket = 1; ticket <= 200; ticket++) {
                awaitWithin(f, f.start(ticket));
                assertTrue(forcedUpTo.get() >= ticket, "ticket " + ticket + " forced before await returns");
            }
            assertEquals(1, f.threadsStarted(), "one thread for 200 commits");
            assertEquals(1, forcing.stream().distinct().count());
            assertTrue(forcing.getFirst() != Thread.currentThread(), "the force runs on the thread, not the caller");
        }
    }

    @Test
    void await_returnsOnlyAfterTheForceCoveringItsTicketEnded() throws Exception {
        CountDownLatch inForce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ForceThread f = forcer(t -> {
            inForce.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }, 60_000)) {
            ForceThread.Request r = f.start(7);
            assertTrue(inForce.await(10, TimeUnit.SECONDS));
            Thread waiter = Thread.ofPlatform().daemon().start(() -> {
                try {
                    f.await(r);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertFalse(waiter.join(java.time.Duration.ofMillis(200)), "await returned while the force still ran");
            release.countDown();
            assertTrue(waiter.join(java.time.Duration.ofSeconds(10)));
        }
    }

    @Test
    void failedForce_failsTheRequestsItCovered_andALaterRequestIsForcedAgain() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        try (ForceThread f = forcer(t -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("EIO on fdatasync");
            }
        }, 60_000)) {
            ForceThread.Request first = f.start(1);
            IOException e = assertThrows(IOException.class, () -> awaitWithin(f, first));
            assertTrue(e.getMessage().contains("EIO"), e.getMessage());
            awaitWithin(f, f.start(2));
            assertEquals(2, calls.get());
        }
    }

    @Test
    void idleThread_ends_andTheNextRequestStartsANewOne() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ForceThread f = forcer(t -> calls.incrementAndGet(), 20)) {
            awaitWithin(f, f.start(1));
            Thread first;
            synchronized (made) {
                first = made.getFirst();
            }
            assertTrue(first.join(java.time.Duration.ofSeconds(10)), "an idle forcing thread ends");
            awaitWithin(f, f.start(2));
            assertEquals(2, f.threadsStarted());
            assertEquals(2, calls.get());
        }
    }

    @Test
    void requestsFromManyThreads_areEachServedByAForceThatCoversThem() throws Exception {
        AtomicLong forcedUpTo = new AtomicLong();
        AtomicLong issued = new AtomicLong();
        try (ForceThread f = forcer(t -> forcedUpTo.accumulateAndGet(t, Math::max), 60_000)) {
            List<Thread> callers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 8; i++) {
                callers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int k = 0; k < 300; k++) {
                            long ticket = issued.incrementAndGet();
                            awaitWithin(f, f.start(ticket));
                            if (forcedUpTo.get() < ticket) {
                                failures.add(new AssertionError("ticket " + ticket + " not forced"));
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : callers) {
                assertTrue(t.join(java.time.Duration.ofSeconds(30)));
            }
            assertEquals(List.of(), failures);
            assertEquals(1, f.threadsStarted());
        }
    }

    @Test
    void closed_refusesNewRequests() {
        ForceThread f = forcer(t -> { }, 60_000);
        f.close();
        assertThrows(IOException.class, () -> f.start(1));
    }

    @Test
    void storesBeyondThePlatformLimit_forceOnVirtualThreads_noPlatformThreadPerPrimary() throws Exception {
        int limit = ForceThread.PLATFORM.platformLimit();
        int stores = limit + 2;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch allForcing = new CountDownLatch(stores);
        List<Boolean> virtual = new ArrayList<>();
        List<ForceThread> forcers = new ArrayList<>();
        List<ForceThread.Request> requests = new ArrayList<>();
        for (int i = 0; i < stores; i++) {
            ForceThread f = new ForceThread("force-store-" + i, t -> {
                synchronized (virtual) {
                    virtual.add(Thread.currentThread().isVirtual());
                }
                allForcing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }, 60_000);
            forcers.add(f);
            requests.add(f.start(1));
        }
        try {
            assertTrue(allForcing.await(10, TimeUnit.SECONDS), "every store's force should be running");
            assertEquals(limit, ForceThread.PLATFORM.platformInUse(), "the platform threads are bounded JVM-wide");
            assertTrue(virtual.stream().filter(v -> v).count() >= 2, "the stores past the limit force on virtual threads");
        } finally {
            release.countDown();
            for (int i = 0; i < stores; i++) {
                awaitWithin(forcers.get(i), requests.get(i));
                forcers.get(i).close();
            }
        }
    }
}
