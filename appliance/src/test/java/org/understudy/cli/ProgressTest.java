package org.understudy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The step lines and the progress bar of the long operator commands, and what a non-terminal gets instead. */
class ProgressTest {
    @Test
    void stepLine_numberNameOutcomeDurationDetail_inFixedColumns() throws Exception {
        var step = new ObjectMapper().readTree("{\"name\":\"fence-epoch\",\"start\":\"PT0.001S\",\"duration\":\"PT0.0123S\","
                + "\"outcome\":\"OK\",\"detail\":\"epoch 1 -> 2\"}");
        assertEquals("  step 3 fence-epoch            OK               12 ms  epoch 1 -> 2", StepFollower.line(3, step));
        var slow = new ObjectMapper().readTree("{\"name\":\"resync-primary\",\"duration\":\"PT12.5S\",\"outcome\":\"FAILED\"}");
        assertEquals("  step 1 resync-primary         FAILED          12.5 s  ", StepFollower.line(1, slow));
    }

    @Test
    void bar_hasShareRateAndEta_withinTheWidth() {
        String bar = Progress.bar("p1/vol0 resync", 512L << 20, 1L << 30, 64 << 20, 80);
        assertTrue(bar.startsWith("  p1/vol0 resync ["), bar);
        assertTrue(bar.endsWith("]  50% 64.0 MiB/s ETA 8s"), bar);
        assertTrue(bar.length() <= 80, bar.length() + ": " + bar);
        assertEquals("?", Progress.eta(100, 0));
    }

    @Test
    void terminalOnly_getsBarsAndRedraws() {
        Terminal plain = new Terminal(false, 80);
        assertNull(plain.transientLine("bar"));
        assertEquals("x" + System.lineSeparator(), plain.redraw("x"));
        Terminal tty = new Terminal(true, 20);
        assertEquals("\r\033[2K" + "a".repeat(19), tty.transientLine("a".repeat(40)));
        assertTrue(tty.redraw("x").startsWith("\033[H\033[2J"));
    }
}
