package org.understudy.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryState;
import org.understudy.transport.FakeClock;

class PrimaryStateMachineTest {
    private final List<ModelEvent.StateChanged> seen = new ArrayList<>();
    private final PrimaryStateMachine m = new PrimaryStateMachine("p2", PrimaryState.PROTECTED, "start",
            new FakeClock(), seen::add);

    @Test
    void table_everyStateHasSuccessors_noSelfLoops() {
        for (PrimaryState s : PrimaryState.values()) {
            assertFalse(PrimaryStateMachine.SUCCESSORS.get(s).isEmpty(), s.name());
            assertFalse(PrimaryStateMachine.SUCCESSORS.get(s).contains(s), s.name());
        }
    }

    @Test
    void transition_legal_recordedWithCauseAndNumbers() {
        m.transition(PrimaryState.SUSPECT, "silent on link and production", Map.of("silentSeconds", 2.04));
        assertEquals(PrimaryState.SUSPECT, m.state());
        assertEquals(1, seen.size());
        assertEquals(PrimaryState.PROTECTED, seen.get(0).from());
        assertEquals(2.04, seen.get(0).numbers().get("silentSeconds"));
        assertEquals("silent on link and production", m.cause());
    }

    @Test
    void transition_illegal_rejectedAndStateUnchanged() {
        assertThrows(PrimaryStateMachine.IllegalTransitionException.class,
                () -> m.transition(PrimaryState.STANDING_IN, "skip the takeover", Map.of()));
        assertEquals(PrimaryState.PROTECTED, m.state());
        assertTrue(seen.isEmpty());
    }

    @Test
    void standingIn_onlyFailbackOrSplitBrain() {
        assertEquals(java.util.EnumSet.of(PrimaryState.FAILING_BACK, PrimaryState.SPLIT_BRAIN),
                PrimaryStateMachine.SUCCESSORS.get(PrimaryState.STANDING_IN));
    }

    @Test
    void fenced_leftOnlyByOperatorResyncOrSplitBrain() {
        assertFalse(PrimaryStateMachine.allowed(PrimaryState.FENCED, PrimaryState.PROTECTED));
        assertFalse(PrimaryStateMachine.allowed(PrimaryState.FENCED, PrimaryState.FAILING_OVER));
        assertTrue(PrimaryStateMachine.allowed(PrimaryState.FENCED, PrimaryState.SYNCING));
    }

    @Test
    void tryTransition_illegal_falseWithoutEvent() {
        assertFalse(m.tryTransition(PrimaryState.FAILING_BACK, "no", Map.of()));
        assertFalse(m.tryTransition(PrimaryState.PROTECTED, "same state", Map.of()));
        assertTrue(seen.isEmpty());
    }
}
