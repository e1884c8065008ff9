package org.understudy.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryLifecycle;

class LifecycleTest {
    private static final InstantSource WALL = InstantSource.fixed(Instant.parse("2026-12-06T03:00:00Z"));

    @Test
    void everyState_hasSuccessors_andStoppedIsTheEnd() {
        for (PrimaryLifecycle s : PrimaryLifecycle.values()) {
            assertTrue(Lifecycle.SUCCESSORS.containsKey(s), s.name());
            if (s != PrimaryLifecycle.STOPPED) {
                assertTrue(Lifecycle.allowed(s, PrimaryLifecycle.STOPPED), s + " can stop");
            }
        }
        assertTrue(Lifecycle.SUCCESSORS.get(PrimaryLifecycle.STOPPED).isEmpty());
    }

    @Test
    void switchoverThenFailback_movesThroughTheTable_andPublishesEachMove() {
        List<ModelEvent> events = new ArrayList<>();
        Lifecycle l = new Lifecycle("p1", WALL, events::add);
        assertEquals(PrimaryLifecycle.STARTING, l.state());
        l.transition(PrimaryLifecycle.SERVING, "started");
        l.transition(PrimaryLifecycle.DRAINING, "switchover");
        l.transition(PrimaryLifecycle.FENCED, "handed over");
        assertTrue(l.fenced());
        l.transition(PrimaryLifecycle.COPYING_BACK, "failback copy");
        assertTrue(l.fenced(), "copying back is still fenced: it must not serve");
        l.transition(PrimaryLifecycle.SERVING, "role returned");
        assertFalse(l.fenced());
        assertEquals(5, events.size());
        ModelEvent.LifecycleChanged last = (ModelEvent.LifecycleChanged) events.getLast();
        assertEquals(PrimaryLifecycle.COPYING_BACK, last.from());
        assertEquals(PrimaryLifecycle.SERVING, last.to());
        assertEquals("role returned", last.cause());
        assertEquals("role returned", l.snapshot().cause());
    }

    @Test
    void servingToCopyingBack_isRefused_stateUnchanged() {
        Lifecycle l = new Lifecycle("p1", WALL, e -> { });
        l.transition(PrimaryLifecycle.SERVING, "started");
        // a failback copy over a serving volume would lose its writes
        assertThrows(Lifecycle.IllegalMoveException.class,
                () -> l.transition(PrimaryLifecycle.COPYING_BACK, "copy"));
        assertEquals(PrimaryLifecycle.SERVING, l.state());
    }

    @Test
    void transitionFrom_movesOnlyFromTheNamedState() {
        Lifecycle l = new Lifecycle("p1", WALL, e -> { });
        l.transition(PrimaryLifecycle.FENCED, "fence file");
        assertFalse(l.transitionFrom(PrimaryLifecycle.COPYING_BACK, PrimaryLifecycle.FENCED, "copy ended late"));
        assertEquals(PrimaryLifecycle.FENCED, l.state());
        l.transition(PrimaryLifecycle.COPYING_BACK, "copy");
        assertTrue(l.transitionFrom(PrimaryLifecycle.COPYING_BACK, PrimaryLifecycle.FENCED, "copy ended"));
        assertEquals(PrimaryLifecycle.FENCED, l.state());
    }
}
