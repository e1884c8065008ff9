package org.understudy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.model.ActorFace;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;

class StoredEventLogTest {
    @TempDir
    Path stateDir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final AtomicReference<Runnable> scheduled = new AtomicReference<>();
    private final List<Duration> periods = new ArrayList<>();
    final PeriodicScheduler manual = (period, task) -> {
        periods.add(period);
        scheduled.set(task);
        return () -> scheduled.set(null);
    };
    StoredEventLog log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    /** The store under test; {@link FileEventLogTest} runs every test here that is not about Derby on the file. */
    EventLogFormat format() {
        return EventLogFormat.DERBY;
    }

    StoredEventLog open(Retention retention) {
        log = StoredEventLog.open(stateDir, format(), retention, clock, manual);
        return log;
    }

    EventEntry row(EventKind kind, String primary, String message) {
        return EventEntry.of(clock.instant(), kind, primary, primary == null ? null : primary + "/vol0", message,
                null);
    }

    @Test
    void append_thenFlush_roundTripsEveryField() {
        open(Retention.UNLIMITED);
        EventEntry e = new EventEntry(0, clock.instant(), EventKind.OPERATOR_ACTION, "p1", "p1/vol0", "alice",
                ActorFace.REST, "ok", "switchover p1 — fine", "{\"steps\":[{\"name\":\"fence\",\"millis\":12.5}]}");
        log.append(e);
        log.flush();
        List<EventEntry> rows = log.query(EventQuery.all());
        assertEquals(1, rows.size());
        EventEntry got = rows.get(0);
        assertTrue(got.id() > 0);
        assertEquals(e.withId(got.id()), got);
        assertTrue(format() == EventLogFormat.DERBY ? Files.isDirectory(stateDir.resolve("events"))
                : Files.isRegularFile(stateDir.resolve(FileEventStore.FILE_NAME)) && !Files.exists(
                        stateDir.resolve("events")), "the log is where its format keeps it");
    }

    @Test
    void appendSync_returnsAscendingIds_afterQueuedRows() {
        open(Retention.UNLIMITED);
        log.append(row(EventKind.LINK, "p1", "queued"));
        long id = log.appendSync(row(EventKind.OPERATOR_ACTION, "p1", "sync"));
        List<EventEntry> rows = log.query(EventQuery.all().order(EventQuery.Order.OLDEST_FIRST));
        assertEquals(List.of("queued", "sync"), rows.stream().map(EventEntry::message).toList());
        assertEquals(id, rows.get(1).id());
        assertTrue(rows.get(0).id() < id);
    }

    @Test
    void query_filtersBySincePrimaryKindLimitAndOrder() {
        open(Retention.UNLIMITED);
        for (int i = 0; i < 10; i++) {
            log.append(row(i % 2 == 0 ? EventKind.STATE_TRANSITION : EventKind.ALARM_RAISED, i % 3 == 0 ? "p1" : "p2",
                    "e" + i));
            clock.advance(Duration.ofMinutes(1));
        }
        log.flush();
        Instant t0 = Instant.parse("2026-11-21T10:00:00Z");
        assertEquals(List.of("e9", "e8", "e7"), messages(EventQuery.all().limit(3)));
        assertEquals(List.of("e0", "e1", "e2"), messages(EventQuery.all().limit(3).order(EventQuery.Order.OLDEST_FIRST)));
        assertEquals(List.of("e9", "e8", "e7", "e6"), messages(EventQuery.all().since(t0.plus(Duration.ofMinutes(6)))));
        assertEquals(List.of("e9", "e6", "e3", "e0"), messages(EventQuery.all().primary("p1")));
        assertEquals(List.of("e9", "e7", "e5", "e3", "e1"), messages(EventQuery.all().kind(EventKind.ALARM_RAISED)));
        assertEquals(List.of("e9", "e3"), messages(EventQuery.all().primary("p1").kind(EventKind.ALARM_RAISED)
                .since(t0.plusSeconds(60))));
        assertEquals(List.of(), messages(EventQuery.all().primary("nobody")));
    }

    List<String> messages(EventQuery q) {
        return log.query(q).stream().map(EventEntry::message).toList();
    }

    @Test
    void rows_surviveCloseAndReopen() {
        open(Retention.UNLIMITED);
        long id = log.appendSync(row(EventKind.NODE, null, "before restart"));
        log.close();
        log.close();
        open(Retention.UNLIMITED);
        long next = log.appendSync(row(EventKind.NODE, null, "after restart"));
        assertTrue(next > id);
        assertEquals(List.of("after restart", "before restart"), messages(EventQuery.all()));
    }

    @Test
    void retention_byAge_appliedAtOpenAndByTheHourlyTask() {
        open(Retention.UNLIMITED);
        log.appendSync(row(EventKind.NODE, null, "old"));
        clock.advance(Duration.ofDays(10));
        log.appendSync(row(EventKind.NODE, null, "ten days later"));
        log.close();

        clock.advance(Duration.ofDays(1));
        periods.clear();
        open(Retention.ofDays(7));
        assertEquals(List.of("ten days later"), messages(EventQuery.all()), "retention runs at open");
        assertEquals(List.of(StoredEventLog.RETENTION_PERIOD), periods);
        assertEquals(Duration.ofHours(1), periods.get(0));

        log.appendSync(row(EventKind.NODE, null, "fresh"));
        clock.advance(Duration.ofDays(6).plusHours(1));
        assertNotNull(scheduled.get());
        scheduled.get().run();
        assertEquals(List.of("fresh"), messages(EventQuery.all()), "the hourly task deletes what aged out");
    }

    @Test
    void retention_byRows_keepsNewest() {
        open(new Retention(null, 5));
        for (int i = 0; i < 12; i++) {
            log.append(row(EventKind.LINK, "p1", "r" + i));
        }
        log.flush();
        assertEquals(7, log.applyRetention());
        assertEquals(List.of("r11", "r10", "r9", "r8", "r7"), messages(EventQuery.all()));
        assertEquals(0, log.applyRetention());
        assertEquals(5, log.count());
    }

    @Test
    void close_writesWhatWasQueued() {
        open(Retention.UNLIMITED);
        for (int i = 0; i < 500; i++) {
            log.append(row(EventKind.LINK, "p1", "r" + i));
        }
        log.close();
        open(Retention.UNLIMITED);
        assertEquals(500, log.count());
    }

    @Test
    void append_afterClose_isDroppedAndCounted_syncThrows() {
        open(Retention.UNLIMITED);
        log.close();
        log.append(row(EventKind.LINK, "p1", "late"));
        assertEquals(1, log.dropped());
        assertThrows(EventLogException.class, () -> log.appendSync(row(EventKind.LINK, "p1", "late")));
        log = null;
    }

    @Test
    void longTextsAreCut_andOversizedDetailsReplacedByValidJson() {
        open(Retention.UNLIMITED);
        String big = "x".repeat(40_000);
        log.appendSync(new EventEntry(0, clock.instant(), EventKind.VERIFY, "p1", "p1/vol0", null, null, null, big,
                "{\"blob\":\"" + big + "\"}"));
        EventEntry got = log.query(EventQuery.all()).get(0);
        assertEquals(2000, got.message().length());
        assertTrue(got.details().startsWith("{\"truncated\":true"));
    }

    @Test
    void derbyLog_isDirectedIntoAStateDirectory_notTheWorkingDirectory() {
        open(Retention.UNLIMITED);
        String where = System.getProperty("derby.stream.error.file");
        assertNotNull(where);
        assertTrue(where.endsWith("derby.log"));
        assertTrue(!Path.of(where).getParent().equals(Path.of("").toAbsolutePath()), where);
        assertTrue(!Files.exists(Path.of("derby.log")), "derby.log in the working directory");
    }

    @Test
    void open_onAFileWhereTheDatabaseShouldBe_failsNamingTheDirectory() throws Exception {
        Path bad = stateDir.resolve("bad");
        Files.createDirectories(bad.resolve("events"));
        Files.writeString(bad.resolve("events").resolve("junk.txt"), "not a database");
        EventLogException e = assertThrows(EventLogException.class,
                () -> StoredEventLog.open(bad, Retention.UNLIMITED, clock, manual));
        assertTrue(e.getMessage().contains(bad.resolve("events").toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void open_onADamagedDatabase_failsNamingTheDirectory() throws Exception {
        open(Retention.UNLIMITED);
        log.appendSync(row(EventKind.NODE, null, "before damage"));
        log.close();
        log = null;
        Path db = stateDir.resolve("events");
        Files.writeString(db.resolve("service.properties"), "\u0000garbage=\\u12");
        try (var seg = Files.list(db.resolve("seg0"))) {
            for (Path f : seg.toList()) {
                Files.write(f, new byte[] {1, 2, 3});
            }
        }
        EventLogException e = assertThrows(EventLogException.class,
                () -> StoredEventLog.open(stateDir, Retention.UNLIMITED, clock, manual));
        assertTrue(e.getMessage().contains(db.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("move the directory aside"), e.getMessage());
        System.out.println("damaged database: " + e.getMessage());
    }
}
