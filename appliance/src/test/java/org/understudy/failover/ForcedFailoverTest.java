package org.understudy.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.model.AlarmKind;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryState;

/**
 * A forced failover of a live primary: the takeover waits for the old primary to let go of its address before it
 * binds, and when the address stays held (or any step between the fence and serving fails) a primary that still
 * answers is handed its role back, so its volumes are never left unserved. Regression: the identity step ran 0-1 ms
 * after the fence, failed with "the old primary is not fenced", and both ends then served nothing.
 */
class ForcedFailoverTest {

    private static ScenarioCluster healthy() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        return c;
    }

    @Test
    void forcedFailover_livePrimary_waitsForReleaseBeforeTakingTheAddress() {
        ScenarioCluster c = healthy();
        assertTrue(c.engine.commands().forceFailover("p1", "ops").accepted());
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        assertEquals(List.of("raiseEpoch", "runFencingScript", "checkReplicas", "awaitRelease", "takeOverIdentity",
                "serveVolumes", "runFailoverHooks"), c.steps.callsFor("p1"));
        FailoverTimeline t = c.engine.lastTimeline("p1").orElseThrow();
        assertEquals(Duration.ofMillis(20), t.step("await-release").orElseThrow().duration(), "timed as a step");
    }

    @Test
    void forcedFailover_addressStillHeld_failsTruly_raisesAlarm_andHandsTheRoleBack() {
        ScenarioCluster c = healthy();
        c.steps.fail("awaitRelease", "something still answers on 127.0.0.1:10809 after 5.0 s; p1 said: still serving");
        assertTrue(c.engine.commands().forceFailover("p1", "ops").accepted());

        assertEquals(List.of("raiseEpoch", "runFencingScript", "checkReplicas", "awaitRelease", "handRoleBack"),
                c.steps.callsFor("p1"), "never binds while the old primary holds the address");
        assertEquals(PrimaryState.SYNCING, c.engine.state("p1"), "p1 serves again and resyncs, watched");
        FailoverTimeline t = c.engine.lastTimeline("p1").orElseThrow();
        assertFalse(t.completed());
        assertEquals(FailoverStep.Outcome.FAILED, t.step("await-release").orElseThrow().outcome());
        assertEquals(FailoverStep.Outcome.OK, t.step("hand-back").orElseThrow().outcome());
        ModelEvent.FailoverFailed failed = c.events(ModelEvent.FailoverFailed.class).getLast();
        assertTrue(failed.reason().contains("did not let go of its address: something still answers")
                && failed.reason().contains("p1 keeps its role"), failed.reason());
        assertFalse(failed.reason().contains("not fenced"), "the old message was untrue: p1 was fenced");
        assertTrue(c.alarmActive(AlarmKind.FAILOVER_FAILED, "p1"));
        assertTrue(c.alarms.active().stream().anyMatch(a -> a.kind() == AlarmKind.FAILOVER_FAILED
                && a.description().contains("keeps its role")));
        assertFalse(c.alarmActive(AlarmKind.PRIMARY_FAILED, "p1"));

        c.engine.replicaStatus("p1", true, "resynced after the hand-back");
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        assertFalse(c.alarmActive(AlarmKind.FAILOVER_FAILED, "p1"), "cleared once p1 is protected again");
        // and a second forced failover works once the address is let go
        c.steps.failures.clear();
        assertTrue(c.engine.commands().forceFailover("p1", "ops").accepted());
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
    }

    @Test
    void forcedFailover_addressHeld_primaryDoesNotAnswer_failedAndStaysFenced() {
        ScenarioCluster c = healthy();
        c.steps.fail("awaitRelease", "something still answers on 127.0.0.1:10809");
        c.steps.answers = p -> false;
        assertTrue(c.engine.commands().forceFailover("p1", "ops").accepted());
        assertEquals(PrimaryState.FAILED, c.engine.state("p1"));
        assertTrue(c.alarmActive(AlarmKind.PRIMARY_FAILED, "p1"));
        String why = c.events(ModelEvent.FailoverFailed.class).getLast().reason();
        assertTrue(why.contains("does not answer") && why.contains("stays fenced"), why);
        // fenced by epoch: fence-clear is the way back
        assertTrue(c.engine.commands().clearFence("p1", "ops").accepted());
    }

    @Test
    void forcedFailover_replicasNotFit_livePrimaryKeepsItsRole() {
        ScenarioCluster c = healthy();
        c.steps.fail("checkReplicas", "p1-data is SYNCING");
        assertTrue(c.engine.commands().forceFailover("p1", "ops").accepted());
        assertEquals(PrimaryState.SYNCING, c.engine.state("p1"));
        assertFalse(c.steps.callsFor("p1").contains("awaitRelease"));
        assertTrue(c.steps.callsFor("p1").contains("handRoleBack"));
    }

    @Test
    void takeover_failsAfterTheAddressIsTaken_keepsServingOnTheStandby() {
        ScenarioCluster c = healthy();
        c.steps.fail("runFailoverHooks", "hook exit 2");
        assertTrue(c.engine.commands().forceFailover("p1", "ops").accepted());
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        assertFalse(c.steps.callsFor("p1").contains("handRoleBack"));
        assertFalse(c.steps.callsFor("p1").contains("releaseIdentity"));
        assertEquals(FailoverStep.Outcome.FAILED_IGNORED, c.engine.lastTimeline("p1").orElseThrow()
                .step("run-failover-commands").orElseThrow().outcome());
    }
}
