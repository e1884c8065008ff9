package org.understudy.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.events.StoredEventLog;
import org.understudy.events.EventLogRecorder;
import org.understudy.events.Retention;
import org.understudy.model.ActorFace;
import org.understudy.model.AlarmKind;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;

class AuthFailureLogTest {
    @TempDir
    Path stateDir;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Instant t0 = Instant.parse("2026-12-06T03:00:00Z");
    private StoredEventLog log;
    private AlarmRegistry alarms;
    private AuthFailureLog failures;

    @BeforeEach
    void open() {
        java.time.Clock wall = java.time.Clock.fixed(t0, java.time.ZoneOffset.UTC);
        log = StoredEventLog.open(stateDir, Retention.UNLIMITED, wall, (p, t) -> () -> { });
        alarms = new AlarmRegistry("standby", wall);
        failures = new AuthFailureLog("standby", new EventLogRecorder(log, wall), alarms, nanos::get, wall, 50);
    }

    @AfterEach
    void close() {
        log.close();
    }

    private List<EventEntry> rows() {
        log.flush();
        return log.query(EventQuery.all().kind(EventKind.AUTH_FAILURE).order(EventQuery.Order.OLDEST_FIRST));
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void firstFailure_isRecordedAtOnce_withFaceSourceAndUser_neverTheSecret() throws Exception {
        failures.record(new AuthFailure(AuthFace.JMX, "127.0.0.9", "ops", "wrong password"));
        List<EventEntry> r = rows();
        assertEquals(1, r.size());
        assertEquals("ops", r.getFirst().actor());
        assertEquals(ActorFace.JMX, r.getFirst().face());
        assertEquals("refused", r.getFirst().outcome());
        assertTrue(r.getFirst().message().contains("JMX from 127.0.0.9 as 'ops': wrong password"),
                r.getFirst().message());
        var d = new ObjectMapper().readTree(r.getFirst().details());
        assertEquals(1, d.path("count").asLong());
        assertEquals("127.0.0.9", d.path("source").asText());
    }

    @Test
    void flood_isAggregated_oneRowPerFaceSourceUserAndMinute_carryingTheCount() {
        for (int i = 0; i < 100_000; i++) {
            failures.record(new AuthFailure(AuthFace.ADMIN_API, "127.0.0.9", "", "token refused"));
        }
        failures.tick();
        assertEquals(1, rows().size(), "the rest of the minute is only counted");
        advance(Duration.ofSeconds(30));
        failures.tick();
        assertEquals(1, rows().size());
        advance(Duration.ofSeconds(31));
        failures.tick();
        List<EventEntry> r = rows();
        assertEquals(2, r.size());
        assertTrue(r.get(1).message().startsWith("99999 authentications refused on the admin API from 127.0.0.9"),
                r.get(1).message());
        advance(Duration.ofSeconds(61));
        failures.tick();
        failures.tick();
        assertEquals(2, rows().size(), "a quiet minute writes nothing");
        assertEquals(0, failures.openWindows(), "and forgets the window");
        failures.record(new AuthFailure(AuthFace.ADMIN_API, "127.0.0.9", "", "token refused"));
        assertEquals(3, rows().size(), "after a quiet minute the next failure is reported at once");
    }

    @Test
    void manySources_keepMemoryBounded() {
        for (int i = 0; i < AuthFailureLog.MAX_KEYS * 3; i++) {
            failures.record(new AuthFailure(AuthFace.SNMP, "10.0." + (i / 250) + "." + (i % 250), "u" + i,
                    "unknown user"));
        }
        assertTrue(failures.openWindows() <= AuthFailureLog.MAX_KEYS + AuthFace.values().length,
                "windows: " + failures.openWindows());
    }

    @Test
    void sustainedRate_raisesTheAlarm_andAQuietMinuteClearsIt() {
        for (int i = 0; i < 51; i++) {
            failures.record(new AuthFailure(AuthFace.HEARTBEAT, "127.0.0.9", "", "bad HMAC"));
        }
        failures.tick();
        assertTrue(alarms.active().stream().anyMatch(a -> a.kind() == AlarmKind.AUTH_FAILURES),
                alarms.active().toString());
        advance(Duration.ofSeconds(65));
        failures.tick();
        assertTrue(alarms.active().stream().noneMatch(a -> a.kind() == AlarmKind.AUTH_FAILURES));
    }

    @Test
    void whatAPeerSent_isCutAndCleaned() {
        AuthFailure f = new AuthFailure(AuthFace.WEB, null, "x".repeat(500) + "\n\u0007", "r");
        assertEquals("unknown", f.source());
        assertEquals(65, f.user().length());
        assertTrue(f.user().chars().noneMatch(Character::isISOControl));
    }
}
