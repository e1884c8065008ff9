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
import org.understudy.model.PathState;
import org.understudy.model.PrimaryState;

/** Deterministic health-and-failover scenarios over the in-memory network with fault switches and a fake clock. */
class FailoverScenarioTest {

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void healthyCluster_heartbeatsFlow_primariesProtected() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1", "p2");
        c.run(Duration.ofSeconds(10));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p2"));
        assertTrue(c.detector.paths("p1").stream().allMatch(p -> p.state() == PathState.UP && p.valid() >= 39));
        assertTrue(c.alarms.active().isEmpty());
    }

    @Test
    void onePathDown_linkSilent_degradedWithAlarmAndNoFailover() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        c.path("p1", "link").dropAll(true);
        c.run(Duration.ofSeconds(30));
        assertEquals(PrimaryState.DEGRADED, c.engine.state("p1"));
        assertTrue(c.alarmActive(AlarmKind.PATH_DOWN, "p1/link"));
        assertTrue(c.events(ModelEvent.FailoverStarted.class).isEmpty());
        assertTrue(c.steps.calls.isEmpty());

        c.path("p1", "link").heal();
        c.run(Duration.ofSeconds(1));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        assertFalse(c.alarmActive(AlarmKind.PATH_DOWN, "p1/link"));
    }

    @Test
    void allPathsDown_probeFails_failoverWithTimeline() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        c.kill("p1");
        c.run(Duration.ofSeconds(5));

        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        assertEquals(List.of("raiseEpoch", "runFencingScript", "checkReplicas", "awaitRelease", "takeOverIdentity",
                "serveVolumes", "runFailoverHooks"), c.steps.callsFor("p1"));
        FailoverTimeline t = c.engine.lastTimeline("p1").orElseThrow();
        assertTrue(t.completed());
        assertEquals(List.of("fence-epoch", "fence-command", "check-replicas", "await-release", "take-over-identity",
                "serve-volumes", "run-failover-commands"), t.steps().stream().map(FailoverStep::name).toList());
        assertTrue(t.steps().stream().allMatch(s -> s.duration().equals(ms(20)) && s.outcome()
                == FailoverStep.Outcome.OK));
        // THE duration: decision to serving (the end of serve-volumes); the hooks run while clients are served
        assertEquals(ms(120), t.total());
        assertTrue(t.reason().contains("silent on every path"), t.reason());
        // detection: the last heartbeat before the kill, then 2 s timeout rounded up to the next 250 ms tick
        List<ModelEvent.StateChanged> moves = c.events(ModelEvent.StateChanged.class);
        assertEquals(List.of(PrimaryState.PROTECTED, PrimaryState.DEGRADED, PrimaryState.SUSPECT,
                PrimaryState.FAILING_OVER, PrimaryState.STANDING_IN),
                moves.stream().map(ModelEvent.StateChanged::to).toList());
        ModelEvent.StateChanged decision = moves.get(3);
        double silent = decision.numbers().get("silentSeconds").doubleValue();
        assertTrue(silent > 2.0 && silent <= 2.25, "silent " + silent + " s at the decision");
        assertTrue(decision.cause().contains("probe failed: NBD connect refused"), decision.cause());
        assertEquals(1, c.events(ModelEvent.FailoverCompleted.class).size());
        assertEquals(1, c.events(ModelEvent.PrimaryFailed.class).size());
        assertTrue(c.alarmActive(AlarmKind.STANDING_IN, "p1"));
        assertEquals("p1", c.steps.environments.get("p1").get("UNDERSTUDY_PRIMARY"));
        assertEquals("p1-data", c.steps.environments.get("p1").get("UNDERSTUDY_VOLUMES"));
        // the model counts the takeover, for SNMP's usPrimaryFailoverCount and the Primary MXBean
        assertEquals(1, c.engine.snapshot(c.detector::paths).get(0).failovers());
    }

    @Test
    void allPathsDown_probeAnswers_noFailover() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        c.senders.get("p1").stop(); // heartbeats stop but the service still answers
        c.run(Duration.ofSeconds(20));
        assertEquals(PrimaryState.DEGRADED, c.engine.state("p1"));
        assertTrue(c.alarmActive(AlarmKind.PATH_DOWN, "p1"));
        assertTrue(c.steps.calls.isEmpty());

        c.senders.get("p1").start();
        c.run(Duration.ofSeconds(1));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        assertFalse(c.alarmActive(AlarmKind.PATH_DOWN, "p1"));
    }

    @Test
    void allPathsDown_probeLaterFails_failover() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        c.senders.get("p1").stop();
        c.run(Duration.ofSeconds(5));
        assertEquals(PrimaryState.DEGRADED, c.engine.state("p1"));
        c.serviceAlive.put("p1", false); // the re-probe (every 2 s) now fails
        c.run(Duration.ofSeconds(3));
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
    }

    @Test
    void flappingPath_linkUpAndDown_noFailover() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            c.path("p1", "link").dropAll(true);
            c.run(Duration.ofSeconds(3));
            c.path("p1", "link").dropAll(false);
            c.run(Duration.ofSeconds(1));
        }
        assertTrue(c.events(ModelEvent.FailoverStarted.class).isEmpty());
        assertTrue(c.steps.calls.isEmpty());
        long downs = c.events(ModelEvent.PathChanged.class).stream().filter(e -> e.state() == PathState.DOWN).count();
        assertEquals(10, downs);
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
    }

    @Test
    void flappingPaths_bothLossyButNeverSilentTogether_noFailover() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.path("p1", "link").dropProbability(0.7);
        c.path("p1", "production").dropProbability(0.7);
        c.run(Duration.ofSeconds(120));
        assertTrue(c.steps.calls.isEmpty());
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
    }

    @Test
    void standbyPause_clockJumps10sBetweenTicks_noFailoverAndCountsRestarted() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1", "p2");
        c.run(Duration.ofSeconds(1));
        c.scheduler.jump(Duration.ofSeconds(10)); // the standby was frozen: no tick, no receive
        c.run(ms(250));
        assertEquals(1, c.detector.pauses());
        assertEquals(1, c.events(ModelEvent.LocalPause.class).size());
        assertEquals(Duration.ofSeconds(10), c.events(ModelEvent.LocalPause.class).get(0).gap());
        c.run(Duration.ofSeconds(10));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p2"));
        assertTrue(c.events(ModelEvent.PathChanged.class).isEmpty());
        assertTrue(c.steps.calls.isEmpty());
    }

    @Test
    void standbyPause_thenPrimaryReallyDead_failoverAfterFullTimeout() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        c.kill("p1");
        c.scheduler.jump(Duration.ofSeconds(10));
        c.run(ms(1750)); // silence restarted at the pause: not yet past the 2 s timeout
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        c.run(Duration.ofSeconds(1));
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
    }

    @Test
    void twoPrimariesDie_defaultPolicy_oneTakeoverAndAlarmForTheSecond() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1", "p2", "p3");
        c.run(Duration.ofSeconds(1));
        c.kill("p1");
        c.kill("p2");
        c.run(Duration.ofSeconds(5));
        List<PrimaryState> states = List.of(c.engine.state("p1"), c.engine.state("p2"));
        assertTrue(states.contains(PrimaryState.STANDING_IN) && states.contains(PrimaryState.FAILED), states::toString);
        String second = c.engine.state("p1") == PrimaryState.FAILED ? "p1" : "p2";
        assertTrue(c.alarmActive(AlarmKind.PRIMARY_FAILED, second));
        assertTrue(c.alarms.active().stream().anyMatch(a -> a.description().contains("stand-in limit reached")));
        assertTrue(c.steps.callsFor(second).isEmpty());
        assertEquals(1, c.events(ModelEvent.FailoverCompleted.class).size());
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p3"), "the third primary is still protected");
    }

    @Test
    void autoFailoverOff_primaryDies_alarmOnly() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS.withAutoFailover(false), "p1");
        c.run(Duration.ofSeconds(1));
        c.kill("p1");
        c.run(Duration.ofSeconds(10));
        assertEquals(PrimaryState.FAILED, c.engine.state("p1"));
        assertTrue(c.alarmActive(AlarmKind.PRIMARY_FAILED, "p1"));
        assertTrue(c.steps.calls.isEmpty());
        assertEquals(1, c.events(ModelEvent.PrimaryFailed.class).size());

        CommandVerdict r = c.engine.commands().forceFailover("p1", "alice");
        assertTrue(r.accepted(), r.message());
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        assertEquals("forced-failover", c.engine.lastTimeline("p1").orElseThrow().kind());
        assertTrue(c.events(ModelEvent.OperatorAction.class).stream().anyMatch(a -> a.who().equals("alice")));
    }

    @Test
    void fencingCommandFails_defaultPolicy_takeoverAborted() {
        ScenarioCluster c = killedWhileFailing(FailoverPolicy.DEFAULTS, "runFencingScript", "exit 1 after 0.50 s");
        assertEquals(PrimaryState.FAILED, c.engine.state("p1"));
        // p1 is dead: the hand-back finds nobody to give the role to, and the takeover stays aborted
        assertEquals(List.of("raiseEpoch", "runFencingScript", "handRoleBack"), c.steps.callsFor("p1"));
        FailoverTimeline t = c.engine.lastTimeline("p1").orElseThrow();
        assertFalse(t.completed());
        assertEquals(FailoverStep.Outcome.FAILED, t.step("fence-command").orElseThrow().outcome());
        assertEquals(1, c.events(ModelEvent.FailoverFailed.class).size());
        assertTrue(c.alarmActive(AlarmKind.PRIMARY_FAILED, "p1"));
    }

    @Test
    void fencingCommandFails_abortOff_takeoverCompletes() {
        ScenarioCluster c = killedWhileFailing(new FailoverPolicy(true, 1, false), "runFencingScript", "exit 1");
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        assertEquals(FailoverStep.Outcome.FAILED_IGNORED,
                c.engine.lastTimeline("p1").orElseThrow().step("fence-command").orElseThrow().outcome());
    }

    @Test
    void replicaInconsistent_checkReplicasFails_refusedWithAlarm() {
        ScenarioCluster c = killedWhileFailing(FailoverPolicy.DEFAULTS, "checkReplicas", "p1-data: resync 42% done");
        assertEquals(PrimaryState.FAILED, c.engine.state("p1"));
        assertFalse(c.steps.callsFor("p1").contains("takeOverIdentity"));
        assertTrue(c.alarms.active().stream().anyMatch(a -> a.kind() == org.understudy.model.AlarmKind.PRIMARY_FAILED && a.resource().equals("p1")
                && a.description().contains("resync 42% done")));
    }

    @Test
    void replicaSyncing_primaryDies_neverPromotedAutomatically() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.engine.replicaStatus("p1", false, "resync 10% done");
        c.run(Duration.ofSeconds(1));
        c.kill("p1");
        c.run(Duration.ofSeconds(5));
        assertEquals(PrimaryState.FAILED, c.engine.state("p1"));
        assertTrue(c.steps.calls.isEmpty());
        assertTrue(c.alarmActive(AlarmKind.PRIMARY_FAILED, "p1"));
    }

    @Test
    void replayedAndForgedHeartbeats_ignoredAndCounted() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.path("p1", "link").duplicate(true);
        c.run(Duration.ofSeconds(1));
        long replayed = c.receivers.get("link").replayed();
        assertTrue(replayed >= 4, "replays counted: " + replayed);

        c.path("p1", "link").duplicate(false).corrupt(true);
        c.run(Duration.ofSeconds(1));
        long rejectedCorrupt = c.receivers.get("link").forged() + c.receivers.get("link").malformed();
        assertTrue(rejectedCorrupt >= 4, "corrupted counted: " + rejectedCorrupt);

        // a forger without the cluster key keeps sending on the link while the real primary is gone
        c.path("p1", "link").heal();
        c.kill("p1");
        var forger = new org.understudy.health.HeartbeatSender("p1", 999,
                new org.understudy.health.HeartbeatCodec("not-the-cluster-key-at-all-000000".getBytes()),
                c.scheduler, c.clock);
        forger.addTarget(ScenarioCluster.PATHS.get(0), c.network.endpoint("forger"),
                c.standbyEnds.get("link").localAddress());
        forger.start();
        c.run(Duration.ofSeconds(5));
        assertTrue(c.receivers.get("link").forged() >= 16, "forged: " + c.receivers.get("link").forged());
        var link = c.detector.paths("p1").stream().filter(p -> p.path().equals("link")).findFirst().orElseThrow();
        assertEquals(PathState.DOWN, link.state());
        assertTrue(link.forged() >= 16 && link.replayed() == replayed, link.toString());
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"), "forged heartbeats are no sign of life");
    }

    @Test
    void switchover_protectedPrimary_plannedStepsThenStandingIn() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        CommandVerdict r = c.engine.commands().switchover("p1", "bob");
        assertTrue(r.accepted(), r.message());
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        assertEquals(List.of("drainPrimary", "awaitCaughtUp", "raiseEpoch", "runFencingScript", "checkReplicas",
                "awaitRelease", "takeOverIdentity", "serveVolumes", "runFailoverHooks"), c.steps.callsFor("p1"));
    }

    @Test
    void switchover_catchUpFails_primaryKeepsRole() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.steps.fail("awaitCaughtUp", "replica 3 writes behind after 5 s");
        c.run(Duration.ofSeconds(1));
        assertTrue(c.engine.commands().switchover("p1", "bob").accepted());
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        assertEquals(List.of("drainPrimary", "awaitCaughtUp", "resumePrimary"), c.steps.callsFor("p1"));
    }

    @Test
    void failback_standingIn_returnsToProtectedAndClearsAlarm() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        c.kill("p1");
        c.run(Duration.ofSeconds(5));
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        c.senders.get("p1").start(); // repaired, comes back (fenced)
        c.run(Duration.ofSeconds(1));
        assertTrue(c.alarmActive(AlarmKind.PRIMARY_REVIVED, "p1"));
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));

        assertTrue(c.engine.commands().failback("p1", "carol").accepted());
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        assertEquals("failback", c.engine.lastTimeline("p1").orElseThrow().kind());
        assertFalse(c.alarmActive(AlarmKind.STANDING_IN, "p1"));
        assertFalse(c.alarmActive(AlarmKind.PRIMARY_REVIVED, "p1"));
        // regression: usLastFailoverReason read "failback by carol": the faces' last failover stays the takeover
        var snap = c.engine.snapshot(c.detector::paths).get(0).lastFailover();
        assertEquals("failover", snap.kind());
        assertTrue(snap.reason().contains("silent on every path"), snap.reason());
    }

    @Test
    void failback_notStandingIn_refused() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        CommandVerdict r = c.engine.commands().failback("p1", "carol");
        assertFalse(r.accepted());
        assertTrue(r.message().contains("STANDING_IN"), r.message());
    }

    @Test
    void abortedTakeoverAfterEpoch_primaryReturns_staysFencedUntilCleared() {
        ScenarioCluster c = killedWhileFailing(FailoverPolicy.DEFAULTS, "takeOverIdentity", "address still answers");
        assertEquals(PrimaryState.FAILED, c.engine.state("p1"));
        c.senders.get("p1").start();
        c.run(Duration.ofSeconds(1));
        assertEquals(PrimaryState.FENCED, c.engine.state("p1"));
        assertTrue(c.alarmActive(AlarmKind.FENCED, "p1"));

        assertTrue(c.engine.commands().clearFence("p1", "dave").accepted());
        assertEquals(PrimaryState.SYNCING, c.engine.state("p1"));
        c.engine.replicaStatus("p1", true, "resynced");
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
    }

    @Test
    void fenceClearedWhileDown_primaryReturnsAtOldEpoch_refused_fencedAgain_clearable() {
        // regression: the replicas refused the stale primary by epoch while the standby showed it SYNCING, no alarm,
        // and fence-clear was refused ("not fenced"): nothing could ever hand it the epoch
        ScenarioCluster c = killedWhileFailing(FailoverPolicy.DEFAULTS, "takeOverIdentity", "address still answers");
        assertEquals(PrimaryState.FAILED, c.engine.state("p1"));
        assertTrue(c.engine.commands().clearFence("p1", "dave").accepted());
        assertEquals(PrimaryState.SYNCING, c.engine.state("p1"));

        c.engine.staleEpoch("p1", "p1-data", 0, 1); // a handshake begun before the clear: within the grace
        assertEquals(PrimaryState.SYNCING, c.engine.state("p1"));
        c.run(EpochRefusal.GRACE);
        c.senders.get("p1").start();
        c.engine.staleEpoch("p1", "p1-data", 0, 1);
        assertEquals(PrimaryState.FENCED, c.engine.state("p1"));
        assertTrue(c.alarmActive(AlarmKind.FENCED, "p1"));
        String alarm = c.alarms.active().stream().filter(a -> a.kind() == org.understudy.model.AlarmKind.FENCED)
                .findFirst().orElseThrow().description();
        assertTrue(alarm.contains("primary epoch 0 is older than the replica's epoch 1"), alarm);
        c.run(Duration.ofSeconds(1)); // life on every path does not unfence it
        assertEquals(PrimaryState.FENCED, c.engine.state("p1"));

        CommandVerdict r = c.engine.commands().clearFence("p1", "dave");
        assertTrue(r.accepted(), r.message());
        assertFalse(c.alarmActive(AlarmKind.FENCED, "p1"));
        c.engine.replicaStatus("p1", true, "resynced");
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
    }

    @Test
    void setAutoFailover_off_raisesVaultAlarmAndAuditEvent() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.engine.commands().setAutoFailover(false, "erin");
        assertTrue(c.alarmActive(AlarmKind.AUTOSWITCH_OFF, "standby"));
        assertFalse(c.engine.policy().autoFailover());
        c.engine.commands().setAutoFailover(true, "erin");
        assertFalse(c.alarmActive(AlarmKind.AUTOSWITCH_OFF, "standby"));
        assertEquals(2, c.events(ModelEvent.OperatorAction.class).size());
    }

    @Test
    void snapshot_afterFailover_showsStatePathsAndTimeline() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.run(Duration.ofSeconds(1));
        c.kill("p1");
        c.run(Duration.ofSeconds(5));
        var snap = c.engine.snapshot(c.detector::paths);
        assertEquals(1, snap.size());
        assertEquals(PrimaryState.STANDING_IN, snap.get(0).state());
        assertEquals(2, snap.get(0).paths().size());
        assertTrue(snap.get(0).lastFailover().completed());
    }

    @Test
    void standbyRestart_recoveredStandingIn_failbackStillWorks() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, "p1");
        c.engine.addPrimary(new TakeoverTarget("p9", "127.0.0.9", 10809, List.of("v"),
                List.of(java.nio.file.Path.of("/r/p9/v.img"))), PrimaryState.STANDING_IN, true,
                "replicas carry generation 7 and epoch 3, newer than p9's");
        assertTrue(c.alarmActive(AlarmKind.STANDING_IN, "p9"));
        assertTrue(c.engine.commands().failback("p9", "ops").accepted());
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p9"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> c.engine.addPrimary(
                new TakeoverTarget("p8", "127.0.0.8", 1, List.of(), List.of()), PrimaryState.FAILING_OVER, false,
                "half-done takeovers are not resumed"));
    }

    /** p1, healthy for a second, dies while takeover step {@code step} fails with {@code detail}; 5 s later. */
    private static ScenarioCluster killedWhileFailing(FailoverPolicy policy, String step, String detail) {
        ScenarioCluster c = new ScenarioCluster(policy, "p1");
        c.steps.fail(step, detail);
        c.run(Duration.ofSeconds(1));
        c.kill("p1");
        c.run(Duration.ofSeconds(5));
        return c;
    }
}
