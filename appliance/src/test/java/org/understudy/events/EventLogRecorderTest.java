package org.understudy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.ActorFace;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;

class EventLogRecorderTest {
    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private StoredEventLog log;
    private EventLogRecorder recorder;

    @BeforeEach
    void open() {
        log = StoredEventLog.open(stateDir, Retention.UNLIMITED, clock, (p, t) -> () -> { });
        recorder = new EventLogRecorder(log, clock);
    }

    @AfterEach
    void close() {
        log.close();
    }

    private List<EventEntry> oldestFirst() {
        log.flush();
        return log.query(EventQuery.all().order(EventQuery.Order.OLDEST_FIRST));
    }

    @Test
    void alarms_raiseUpdateClear_areRecordedWithPrimaryFromResource() throws Exception {
        AlarmRegistry alarms = new AlarmRegistry("standby", clock);
        recorder.recordAlarms(alarms);
        alarms.raise(AlarmKind.LINK_DOWN, "p1/vol0", AlarmSeverity.MAJOR, "connection reset");
        alarms.raise(AlarmKind.LINK_DOWN, "p1/vol0", AlarmSeverity.MAJOR, "connection reset");
        alarms.raise(AlarmKind.LINK_DOWN, "p1/vol0", AlarmSeverity.CRITICAL, "down 60 s");
        clock.advance(Duration.ofSeconds(90));
        alarms.clear(AlarmKind.LINK_DOWN, "p1/vol0", "link up");
        List<EventEntry> rows = oldestFirst();
        assertEquals(List.of(EventKind.ALARM_RAISED, EventKind.ALARM_UPDATED, EventKind.ALARM_CLEARED),
                rows.stream().map(EventEntry::kind).toList());
        assertTrue(rows.stream().allMatch(r -> "p1".equals(r.primary()) && "p1/vol0".equals(r.resource())));
        assertEquals("MAJOR LINK_DOWN: connection reset", rows.get(0).message());
        assertEquals("LINK_DOWN cleared: link up", rows.get(2).message());
        JsonNode d = new ObjectMapper().readTree(rows.get(2).details());
        assertEquals(90_000, d.get("activeMillis").asLong());
        assertEquals(clock.instant(), rows.get(2).time());
    }

    @Test
    void transition_andTimeline_carryTheNumbersInDetails() throws Exception {
        recorder.recordTransition("p2", "SUSPECT", "FAILING_OVER", "2.04 s silent on link and production, probe"
                + " failed");
        recorder.recordFailoverTimeline("p2", "all paths silent", List.of(
                new TimelineStep("fence", Duration.ofMillis(12), "ok"),
                new TimelineStep("takeIdentity", Duration.ofMillis(40), "ok"),
                new TimelineStep("serve", Duration.ofMillis(8), "ok")), "ok", Duration.ofMillis(60));
        List<EventEntry> rows = oldestFirst();
        assertEquals(EventKind.STATE_TRANSITION, rows.get(0).kind());
        assertTrue(rows.get(0).message().startsWith("SUSPECT -> FAILING_OVER: 2.04 s"));
        EventEntry t = rows.get(1);
        assertEquals(EventKind.FAILOVER_TIMELINE, t.kind());
        assertEquals("p2", t.primary());
        JsonNode d = new ObjectMapper().readTree(t.details());
        assertEquals(60.0, d.get("totalMillis").asDouble(), 1e-9);
        assertEquals("takeIdentity", d.get("steps").get(1).get("name").asText());
        assertEquals(40.0, d.get("steps").get(1).get("millis").asDouble(), 1e-9);
        assertTrue(t.message().contains("fence 12.0 ms"), t.message());
    }

    @Test
    void operatorAction_isOnDiskWhenTheCallReturns() {
        long id = recorder.recordOperatorAction("alice", ActorFace.CLI, "switchover", "p1", "ok");
        EventEntry row = log.query(EventQuery.all().kind(EventKind.OPERATOR_ACTION)).get(0);
        assertEquals(id, row.id());
        assertEquals("alice", row.actor());
        assertEquals(ActorFace.CLI, row.face());
        assertEquals("ok", row.outcome());
        assertEquals("p1", row.primary());
        assertEquals("alice via CLI: switchover p1 -> ok", row.message());
    }

    @Test
    void primaryOf_takesTheFirstSegment() {
        assertEquals("p1", EventLogRecorder.primaryOf("p1/path/production"));
        assertEquals("p1", EventLogRecorder.primaryOf("p1"));
        assertEquals(null, EventLogRecorder.primaryOf(null));
    }
}
