package org.understudy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.understudy.admin.Json;
import org.understudy.config.MirrorMode;
import org.understudy.model.MirrorState;
import org.understudy.model.VerifyProgress;
import org.understudy.model.VerifySummary;
import org.understudy.model.VolumeSnapshot;

/**
 * {@code understudy verify}'s progress, from the primary's status as the engine writes it (the model through the JSON
 * mapper): a line per quarter when not on a terminal, a bar with rate and ETA on one.
 */
class VerifyFollowerTest {
    private static final long MIB = 1 << 20;
    private static final long SEC = 1_000_000_000L;
    private static final Instant STARTED = Instant.parse("2026-01-02T03:04:05Z");

    /** The primary's status with p1/vol0's verify at {@code done} of 64 MiB (none running when negative). */
    private static JsonNode status(long done) {
        VerifySummary last = new VerifySummary(Instant.parse("2026-01-01T00:00:00Z"), 1024, 0, "no mismatch");
        VolumeSnapshot v = new VolumeSnapshot("p1", "vol0", 64 * MIB, MirrorMode.SYNC, MirrorState.IN_SYNC, 100, 0, 0,
                null, 0, 0, 0, 0, 0, "", done < 0 ? last : last.withRunning(new VerifyProgress(STARTED, done, 64 * MIB)));
        VolumeSnapshot other = new VolumeSnapshot("p1", "vol1", 8 * MIB, MirrorMode.SYNC, MirrorState.IN_SYNC, 100, 0, 0,
                null, 0, 0, 0, 0, 0, "", last.withRunning(new VerifyProgress(STARTED, 4 * MIB, 8 * MIB)));
        ObjectNode s = Json.mapper().createObjectNode();
        s.putArray("volumes").add(Json.mapper().valueToTree(other)).add(Json.mapper().valueToTree(v));
        return s;
    }

    @Test
    void notATerminal_aPlainLinePerQuarter_withRateAndEta() {
        StringWriter out = new StringWriter();
        VerifyFollower f = new VerifyFollower(null, "p1", "vol0", new PrintWriter(out), new Terminal(false, 80));
        f.seen(status(0), 0);
        f.seen(status(8 * MIB), SEC);
        assertEquals("", out.toString(), "nothing before a quarter is done (and not p1/vol1's verify)");
        f.seen(status(16 * MIB), 2 * SEC);
        f.seen(status(20 * MIB), 3 * SEC);
        f.seen(status(40 * MIB), 4 * SEC);
        f.seen(status(-1), 5 * SEC);
        f.print("p1: OK p1/vol0: no mismatch\n");
        assertEquals("  p1/vol0 verify  25% (16.0 MiB of 64.0 MiB) 8.0 MiB/s ETA 6s\n"
                + "  p1/vol0 verify  63% (40.0 MiB of 64.0 MiB) 10.0 MiB/s ETA 3s\n"
                + "p1: OK p1/vol0: no mismatch\n", out.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void terminal_barRedrawnInPlace_clearedBeforeTheAnswer() {
        StringWriter out = new StringWriter();
        VerifyFollower f = new VerifyFollower(null, "p1", "vol0", new PrintWriter(out), new Terminal(true, 100));
        f.seen(status(0), 0);
        f.seen(status(32 * MIB), 2 * SEC);
        String bar = out.toString().substring(out.toString().lastIndexOf("\r\033[2K") + 5);
        assertTrue(bar.startsWith("  p1/vol0 verify ["), bar);
        assertTrue(bar.endsWith("]  50% 16.0 MiB/s ETA 2s"), bar);
        out.getBuffer().setLength(0);
        f.print("p1: OK done\n");
        assertEquals("\r\033[2Kp1: OK done\n", out.toString(), "the bar cleared, then the answer");
        out.getBuffer().setLength(0);
        f.seen(status(-1), 3 * SEC);
        f.finish();
        assertEquals("", out.toString(), "no bar drawn, nothing to clear");
    }
}
