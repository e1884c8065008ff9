package org.understudy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.events.StoredEventLog;
import org.understudy.events.EventLogRecorder;
import org.understudy.events.MutableClock;
import org.understudy.events.Retention;
import org.understudy.model.ActorFace;
import org.understudy.model.EventKind;
import picocli.CommandLine;

class EventsCommandTest {
    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void fill() {
        try (StoredEventLog log = StoredEventLog.open(stateDir, Retention.UNLIMITED, clock, (p, t) -> () -> { })) {
            EventLogRecorder rec = new EventLogRecorder(log, clock);
            rec.recordTransition("p1", "HEALTHY", "SUSPECT", "link silent 2.0 s");
            clock.advance(Duration.ofHours(2));
            rec.recordOperatorAction("alice", ActorFace.CLI, "switchover", "p2", "ok");
            clock.advance(Duration.ofMinutes(30));
            rec.record(EventKind.LINK, "p1/vol0", "link up", null);
            log.flush();
        }
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new EventsCommand().withClock(clock)).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void offline_listsOldestFirst_oneLinePerEvent() {
        assertEquals(0, run("--state-dir", stateDir.toString()));
        String[] lines = out.toString().strip().split("\n");
        assertEquals(3, lines.length, out.toString());
        assertTrue(lines[0].contains("STATE_TRANSITION") && lines[0].contains("HEALTHY -> SUSPECT"), lines[0]);
        assertTrue(lines[1].contains("alice@CLI") && lines[1].contains("OPERATOR_ACTION"), lines[1]);
        assertTrue(lines[2].startsWith("2026-11-21T12:30:00Z") && lines[2].contains("p1/vol0"), lines[2]);
    }

    @Test
    void filters_primaryKindSinceLimit() {
        assertEquals(0, run("--state-dir", stateDir.toString(), "--primary", "p1"));
        assertEquals(2, out.toString().strip().split("\n").length);
        out.getBuffer().setLength(0);
        assertEquals(0, run("--state-dir", stateDir.toString(), "--kind", "operator_action"));
        assertTrue(out.toString().strip().split("\n")[0].contains("switchover"));
        out.getBuffer().setLength(0);
        assertEquals(0, run("--state-dir", stateDir.toString(), "--since", "10m"));
        assertEquals(1, out.toString().strip().split("\n").length);
        out.getBuffer().setLength(0);
        assertEquals(0, run("--state-dir", stateDir.toString(), "--limit", "2"));
        assertTrue(out.toString().strip().split("\n")[0].contains("OPERATOR_ACTION"), "the newest two, oldest first");
    }

    @Test
    void json_isAnArrayWithParsedDetails() throws Exception {
        assertEquals(0, run("--state-dir", stateDir.toString(), "--json"));
        JsonNode arr = new ObjectMapper().readTree(out.toString());
        assertEquals(3, arr.size());
        assertEquals("STATE_TRANSITION", arr.get(0).get("kind").asText());
        assertEquals("SUSPECT", arr.get(0).get("details").get("to").asText());
        assertEquals("CLI", arr.get(1).get("face").asText());
    }

    @Test
    void missingEventLog_isAClearErrorNotACrash() {
        assertEquals(1, run("--state-dir", stateDir.resolve("nowhere").toString()));
        assertTrue(err.toString().contains("no event log in"), err.toString());
    }

    @Test
    void neitherConfigNorStateDir_usageErrorNamingBoth() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("--config") && err.toString().contains("--state-dir"), err.toString());
    }

    @Test
    void badSince_isAUsageError() {
        assertEquals(2, run("--state-dir", stateDir.toString(), "--since", "yesterday"));
        assertTrue(err.toString().contains("cannot read 'yesterday'"), err.toString());
    }

    @Test
    void parseSince_acceptsShortIsoAndInstants() {
        assertEquals(clock.instant().minusSeconds(90), EventsCommand.parseSince("90s", clock));
        assertEquals(clock.instant().minus(Duration.ofDays(7)), EventsCommand.parseSince("7d", clock));
        assertEquals(clock.instant().minus(Duration.ofMinutes(30)), EventsCommand.parseSince("PT30M", clock));
        assertEquals(Instant.parse("2026-11-20T00:00:00Z"), EventsCommand.parseSince("2026-11-20T00:00:00Z", clock));
        assertThrows(IllegalArgumentException.class, () -> EventsCommand.parseSince("soon", clock));
    }
}
