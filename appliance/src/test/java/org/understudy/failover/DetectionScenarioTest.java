package org.understudy.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.understudy.config.HaConfig;
import org.understudy.model.AlarmKind;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryState;

/**
 * The two speeds of failure detection on the fake clock, over in-memory heartbeats and an in-memory replication link
 * with a middlebox on the standby's side ({@link LinkWire}): a dead process is replaced within the grace, a silent
 * host after the full timeout, and nothing else is ever taken over — a link reset while the primary lives, a standby
 * pause, a flapping path, a link that closes during a planned switchover.
 */
@Timeout(60)
class DetectionScenarioTest {
    /** The default grace: 1.5 heartbeat intervals of 250 ms. */
    private static final Duration GRACE = HaConfig.Health.DEFAULTS.processDeadGrace();

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    private static ScenarioCluster cluster() {
        ScenarioCluster c = new ScenarioCluster(FailoverPolicy.DEFAULTS, GRACE, "p1");
        c.run(Duration.ofSeconds(1));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        return c;
    }

    private static void noTakeover(ScenarioCluster c) {
        assertTrue(c.events(ModelEvent.FailoverStarted.class).isEmpty(), () -> "no takeover: "
                + c.events(ModelEvent.FailoverStarted.class));
        assertTrue(c.events(ModelEvent.PrimaryFailed.class).isEmpty(), () -> "never declared failed: "
                + c.events(ModelEvent.PrimaryFailed.class));
        assertTrue(c.steps.calls.isEmpty(), () -> "no step ran: " + c.steps.calls);
    }

    @Test
    void processDead_linkClosedProbeRefusedNoHeartbeat_takenOverWithinTheGrace() {
        ScenarioCluster c = cluster();
        java.time.Instant killedAt = c.clock.instant();
        c.kill("p1");
        c.run(ms(400));

        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        FailoverTimeline t = c.engine.lastTimeline("p1").orElseThrow();
        FailureDetection d = t.detection();
        assertNotNull(d, "the timeline says how the failure was detected");
        assertEquals(FailureDetection.PROCESS_DEAD, d.path());
        assertEquals(List.of("link-closed", "probe", "heartbeat-grace"),
                d.facts().stream().map(FailureDetection.Fact::name).toList());
        assertTrue(d.facts().get(0).detail().contains("end of stream"), d.describe());
        assertTrue(d.facts().get(1).detail().startsWith("refused in 1.0 ms"), d.describe());
        // the decision waits for the grace after the last heartbeat, never longer
        ModelEvent.StateChanged decision = c.events(ModelEvent.StateChanged.class).stream()
                .filter(e -> e.to() == PrimaryState.FAILING_OVER).findFirst().orElseThrow();
        long decidedAfterKill = Duration.between(killedAt, decision.at()).toMillis();
        assertTrue(decidedAfterKill <= GRACE.toMillis(), "decided " + decidedAfterKill + " ms after the kill");
        assertTrue(d.took().compareTo(GRACE) <= 0, d.describe());
        assertTrue(t.reason().startsWith("process dead: process-dead in"), t.reason());
        assertTrue(decision.cause().contains("probe +"), decision.cause());
        assertEquals(1, c.events(ModelEvent.PrimaryFailed.class).size());
    }

    @Test
    void processDead_restartsAfterTheTakeover_revivedAlarmNoSecondTakeover() {
        ScenarioCluster c = cluster();
        c.kill("p1");
        c.run(ms(400));
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        c.senders.get("p1").start(); // the process comes back and heartbeats; its epoch is stale (FenceEpochTest)
        c.run(Duration.ofSeconds(1));
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        assertTrue(c.alarmActive(AlarmKind.PRIMARY_REVIVED, "p1"));
        assertEquals(1, c.events(ModelEvent.FailoverStarted.class).size());
    }

    @Test
    void linkResetByMiddlebox_primaryLives_probeAnswers_alarmNoTakeover_100Times() throws Exception {
        ScenarioCluster c = cluster();
        LinkWire w = c.link("p1");
        for (int i = 1; i <= 100; i++) {
            w.standbySide.reset();
            w.awaitEnded(i);
            c.run(ms(10)); // the probe runs: the service answers
            assertTrue(c.alarmActive(AlarmKind.PATH_DOWN, "p1/link"), "reset " + i + " raises the alarm");
            w.connect(); // the primary reconnects its link
            c.run(ms(290));
        }
        noTakeover(c);
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
        assertFalse(c.alarmActive(AlarmKind.PATH_DOWN, "p1/link"), "cleared once the link carries traffic again");
    }

    @Test
    void linkClosed_probeRefused_heartbeatWithinGrace_noTakeover() {
        // a live primary whose NBD service restarts while its link closes: the heartbeat proves the process lives
        ScenarioCluster c = cluster();
        c.serviceAlive.put("p1", false);
        int before = c.link("p1").ended();
        try {
            c.link("p1").primaryCloses();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        c.link("p1").awaitEnded(before + 1);
        c.run(Duration.ofSeconds(1));
        c.serviceAlive.put("p1", true);
        c.run(Duration.ofSeconds(5));
        noTakeover(c);
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
    }

    @Test
    void silentHost_probeTimesOut_noFastPath_slowPathAfterTheFullTimeout() {
        // the link ends but the probe only times out: no explicit fact, so the full timeout applies
        ScenarioCluster c = cluster();
        c.probeTimesOut.add("p1");
        c.kill("p1");
        c.run(Duration.ofMillis(1900));
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"), "not before the timeout");
        noTakeover(c);
        c.run(Duration.ofSeconds(2));
        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        FailoverTimeline t = c.engine.lastTimeline("p1").orElseThrow();
        assertEquals(FailureDetection.HOST_SILENT, t.detection().path());
        assertEquals(List.of("silence", "probe"), t.detection().facts().stream().map(FailureDetection.Fact::name)
                .toList());
        assertTrue(t.reason().contains("silent on every path"), t.reason());
    }

    @Test
    void standbyPause_1500ms_linkClosedRightAfter_probeRefused_noTakeover_20Times() throws Exception {
        // the worst case: the service is refused (restarting) and the pause makes every path look silent
        ScenarioCluster c = cluster();
        LinkWire w = c.link("p1");
        for (int i = 1; i <= 20; i++) {
            c.serviceAlive.put("p1", false);
            c.scheduler.jump(ms(1500));
            w.primaryCloses();
            w.awaitEnded(i);
            c.run(ms(10));
            c.serviceAlive.put("p1", true);
            w.connect();
            c.run(Duration.ofSeconds(1));
        }
        noTakeover(c);
        assertEquals(20, c.detector.pauses());
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
    }

    @Test
    void flappingPath_resetsAndLostHeartbeats_probeTimesOutOrAnswers_noTakeover_20Times() throws Exception {
        ScenarioCluster c = cluster();
        LinkWire w = c.link("p1");
        c.probeTimesOut.add("p1");
        for (int i = 1; i <= 20; i++) {
            // the network drops: heartbeats lost both ways, the link reset, the service out of reach
            c.path("p1", "production").dropAll(true);
            c.path("p1", "link").dropAll(true);
            c.serviceAlive.put("p1", false);
            w.standbySide.reset();
            w.awaitEnded(i);
            c.run(ms(700));
            // and comes back
            c.path("p1", "production").heal();
            c.path("p1", "link").heal();
            c.serviceAlive.put("p1", true);
            w.connect();
            c.run(ms(600));
        }
        noTakeover(c);
        assertEquals(PrimaryState.PROTECTED, c.engine.state("p1"));
    }

    @Test
    void switchover_linkClosesDuringTheDrain_theDrainOwnsIt_noFailover() {
        ScenarioCluster c = cluster();
        // the drained primary stops: its link ends, its service and heartbeats go, while the switchover runs
        c.steps.during("drainPrimary", () -> {
            c.kill("p1");
            c.run(Duration.ofSeconds(1));
        });
        assertTrue(c.engine.commands().switchover("p1", "bob").accepted());
        c.run(Duration.ofSeconds(1));

        assertEquals(PrimaryState.STANDING_IN, c.engine.state("p1"));
        List<ModelEvent.FailoverStarted> started = c.events(ModelEvent.FailoverStarted.class);
        assertEquals(1, started.size(), started::toString);
        assertEquals("switchover", started.get(0).kind());
        assertTrue(c.events(ModelEvent.PrimaryFailed.class).isEmpty(), "never declared failed");
        assertFalse(c.alarmActive(AlarmKind.PRIMARY_FAILED, "p1"));
        assertEquals(1, c.steps.callsFor("p1").stream().filter("raiseEpoch"::equals).count());
        assertEquals(null, c.engine.lastTimeline("p1").orElseThrow().detection(), "an operator's action");
    }
}
