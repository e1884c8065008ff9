package org.understudy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;

/** The queue in front of the store: engines are never blocked; overflow is dropped, counted and reported. */
class AsyncWriterTest {
    /** A store that holds the writer until released, to fill the queue. */
    private static final class GatedStore implements EventStore {
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final List<EventEntry> rows = new ArrayList<>();
        long nextId = 1;

        @Override
        public long[] insert(List<EventEntry> entries) {
            entered.countDown();
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long[] ids = new long[entries.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = nextId++;
                rows.add(entries.get(i).withId(ids[i]));
            }
            return ids;
        }

        @Override
        public List<EventEntry> query(EventQuery query) {
            return List.copyOf(rows);
        }

        @Override
        public int deleteOlderThan(Instant cutoff) {
            return 0;
        }

        @Override
        public int keepNewest(long keep) {
            return 0;
        }

        @Override
        public long count() {
            return rows.size();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void append_whenQueueFull_dropsCountsAndReportsOnceCaughtUp() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
        GatedStore store = new GatedStore();
        StoredEventLog log = new StoredEventLog(store, Retention.UNLIMITED, clock, (p, t) -> () -> { }, 4);
        try {
            log.append(EventEntry.of(clock.instant(), EventKind.LINK, "p1", "p1", "first", null));
            assertTrue(store.entered.await(10, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                log.append(EventEntry.of(clock.instant(), EventKind.LINK, "p1", "p1", "r" + i, null));
            }
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(tookMs < 1000, "append must not block, took " + tookMs + " ms");
            assertEquals(6, log.dropped());
            store.gate.countDown();
            log.flush();
            List<String> messages = store.rows.stream().map(EventEntry::message).toList();
            assertEquals(List.of("first", "6 event rows dropped: the writer fell behind (6 since start)",
                    "r0", "r1", "r2", "r3"), messages);
        } finally {
            store.gate.countDown();
            log.close();
        }
    }

    @Test
    void writerThread_isNamedDaemon() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
        GatedStore store = new GatedStore();
        store.gate.countDown();
        StoredEventLog log = new StoredEventLog(store, Retention.UNLIMITED, clock, (p, t) -> () -> { }, 16);
        try {
            Thread writer = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(StoredEventLog.WRITER_THREAD)).findFirst().orElseThrow();
            assertTrue(writer.isDaemon());
        } finally {
            log.close();
        }
    }
}
