package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private final ReplayGuard guard = new ReplayGuard();

    private static Heartbeat hb(long boot, long seq, String path) {
        return new Heartbeat("p1", boot, seq, 0, path);
    }

    @Test
    void accept_increasingSequence_accepted() {
        assertTrue(guard.accept(hb(1, 1, "link")));
        assertTrue(guard.accept(hb(1, 2, "link")));
        assertTrue(guard.accept(hb(1, 10, "link")));
    }

    @Test
    void accept_sameOrOlderSequence_replayRefused() {
        assertTrue(guard.accept(hb(1, 5, "link")));
        assertFalse(guard.accept(hb(1, 5, "link")));
        assertFalse(guard.accept(hb(1, 4, "link")));
    }

    @Test
    void accept_pathsNumberedIndependently_bothAccepted() {
        assertTrue(guard.accept(hb(1, 5, "link")));
        assertTrue(guard.accept(hb(1, 3, "production")));
    }

    @Test
    void accept_newBoot_acceptedAndOldBootThenRefused() {
        assertTrue(guard.accept(hb(1, 100, "link")));
        assertTrue(guard.accept(hb(2, 1, "link")), "restarted sender");
        assertFalse(guard.accept(hb(1, 101, "link")), "recording of the earlier boot");
    }
}
