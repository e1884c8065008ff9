package org.understudy.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.understudy.events.MutableClock;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmChange;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.AlarmSource;

class AlarmRegistryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final AlarmRegistry registry = new AlarmRegistry("standby", clock);
    private final List<AlarmChange> changes = new CopyOnWriteArrayList<>();

    AlarmRegistryTest() {
        registry.subscribe(changes::add);
    }

    @Test
    void raise_new_notifiesRaisedWithIndexAndSince() {
        Alarm a = registry.raise(AlarmKind.PATH_DOWN, "p1/path/production", AlarmSeverity.MINOR, "silent 2.1 s");
        assertEquals(1, a.index());
        assertEquals("PATH_DOWN@p1/path/production", a.id());
        assertEquals(clock.instant(), a.since());
        assertEquals(List.of(a), registry.active());
        assertEquals(1, changes.size());
        assertEquals(AlarmChange.Type.RAISED, changes.get(0).type());
        assertNull(changes.get(0).before());
        assertSame(a, changes.get(0).after());
    }

    @Test
    void raise_identicalWhileActive_isSilentNoOp() {
        Alarm first = registry.raise(AlarmKind.STANDBY_LOST, "p1", "no ack for 2 s");
        clock.advance(Duration.ofSeconds(5));
        Alarm again = registry.raise(AlarmKind.STANDBY_LOST, "p1", "no ack for 2 s");
        assertEquals(first, again);
        assertEquals(1, changes.size());
    }

    @Test
    void raise_changedTextWhileActive_updatesButKeepsSinceAndIndex() {
        Alarm first = registry.raise(AlarmKind.STANDBY_LOST, "p1", AlarmSeverity.MAJOR, "no ack for 2 s");
        clock.advance(Duration.ofSeconds(5));
        Alarm again = registry.raise(AlarmKind.STANDBY_LOST, "p1", AlarmSeverity.CRITICAL, "no ack for 7 s");
        assertEquals(first.index(), again.index());
        assertEquals(first.since(), again.since());
        assertEquals(clock.instant(), again.updatedAt());
        assertEquals("no ack for 7 s", again.description());
        assertEquals(AlarmSeverity.CRITICAL, again.severity());
        assertEquals(1, registry.active().size());
        AlarmChange upd = changes.get(1);
        assertEquals(AlarmChange.Type.UPDATED, upd.type());
        assertEquals(first, upd.before());
        assertEquals(again, upd.after());
    }

    @Test
    void clear_active_notifiesWithBeforeAndReason() {
        Alarm a = registry.raise(AlarmKind.LINK_DOWN, "p2/vol0", "connection refused");
        assertEquals(a, registry.clear(AlarmKind.LINK_DOWN, "p2/vol0", "link up").orElseThrow());
        assertTrue(registry.active().isEmpty());
        AlarmChange c = changes.get(1);
        assertEquals(AlarmChange.Type.CLEARED, c.type());
        assertEquals(a, c.before());
        assertNull(c.after());
        assertEquals("link up", c.reason());
    }

    @Test
    void clear_notActive_isSilent() {
        assertTrue(registry.clear(AlarmKind.LINK_DOWN, "p2/vol0", "nothing").isEmpty());
        assertTrue(changes.isEmpty());
    }

    @Test
    void raise_afterClear_getsNewIndexAndSince() {
        Alarm a = registry.raise(AlarmKind.FENCED, "p1", "epoch 4 > 3");
        registry.clear(AlarmKind.FENCED, "p1", "fence cleared by operator");
        clock.advance(Duration.ofMinutes(1));
        Alarm b = registry.raise(AlarmKind.FENCED, "p1", "epoch 5 > 4");
        assertNotEquals(a.index(), b.index());
        assertEquals(clock.instant(), b.since());
    }

    @Test
    void active_sortedBySeverityThenSince_andImmutable() {
        registry.raise(AlarmKind.PATH_DOWN, "p1/path/link", AlarmSeverity.MINOR, "x");
        clock.advance(Duration.ofSeconds(1));
        registry.raise(AlarmKind.PRIMARY_FAILED, "p2", AlarmSeverity.CRITICAL, "y");
        clock.advance(Duration.ofSeconds(1));
        registry.raise(AlarmKind.AUTOSWITCH_OFF, "standby", AlarmSeverity.WARNING, "z");
        clock.advance(Duration.ofSeconds(1));
        registry.raise(AlarmKind.FAILOVER_LIMIT, "p3", AlarmSeverity.CRITICAL, "w");
        List<Alarm> active = registry.active();
        assertEquals(List.of("p2", "p3", "p1/path/link", "standby"),
                active.stream().map(Alarm::resource).toList());
        assertThrows(UnsupportedOperationException.class, () -> active.add(active.get(0)));
        registry.clear(AlarmKind.PRIMARY_FAILED, "p2", "back");
        assertEquals(4, active.size(), "an earlier snapshot must not change");
    }

    @Test
    void clearAll_clearsResourceAndBelowOnly() {
        registry.raise(AlarmKind.PRIMARY_FAILED, "p1", "a");
        registry.raise(AlarmKind.LINK_DOWN, "p1/vol0", "b");
        registry.raise(AlarmKind.LINK_DOWN, "p10/vol0", "c");
        assertEquals(2, registry.clearAll("p1", "primary back").size());
        assertEquals(List.of("p10/vol0"), registry.active().stream().map(Alarm::resource).toList());
    }

    @Test
    void listener_thatThrows_doesNotStopOthersOrTheChange() {
        List<AlarmChange> second = new ArrayList<>();
        registry.subscribe(c -> {
            throw new IllegalStateException("boom");
        });
        registry.subscribe(second::add);
        registry.raise(AlarmKind.SPLIT_BRAIN, "p1/vol0", "both claim gen 7");
        assertEquals(1, registry.active().size());
        assertEquals(1, changes.size());
        assertEquals(1, second.size());
    }

    @Test
    void subscription_closed_receivesNothingMore() {
        List<AlarmChange> mine = new ArrayList<>();
        AlarmSource.Subscription s = registry.subscribe(mine::add);
        registry.raise(AlarmKind.FENCED, "p1", "x");
        s.close();
        s.close();
        registry.clear(AlarmKind.FENCED, "p1", "y");
        assertEquals(1, mine.size());
    }

    @Test
    void raise_blankResource_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> registry.raise(AlarmKind.FENCED, " ", "x"));
    }

    @Test
    void concurrentRaiseAndClear_keepsOneAlarmPerIdAndOrderedChanges() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int id = t;
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 500; i++) {
                    registry.raise(AlarmKind.PATH_DOWN, "p" + (i % 5), "t" + id + " i" + i);
                    if (i % 3 == 0) {
                        registry.clear(AlarmKind.PATH_DOWN, "p" + (i % 5), "ok");
                    }
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        Set<String> ids = new HashSet<>();
        registry.active().forEach(a -> assertTrue(ids.add(a.id())));
        // replaying the change stream must give exactly the final active set: listeners saw changes in order
        java.util.Map<String, Alarm> replay = new java.util.HashMap<>();
        for (AlarmChange c : changes) {
            switch (c.type()) {
                case RAISED -> assertNull(replay.put(c.after().id(), c.after()));
                case UPDATED -> assertEquals(c.before(), replay.put(c.after().id(), c.after()));
                case CLEARED -> assertEquals(c.before(), replay.remove(c.before().id()));
            }
        }
        assertEquals(new HashSet<>(registry.active()), new HashSet<>(replay.values()));
    }
}
