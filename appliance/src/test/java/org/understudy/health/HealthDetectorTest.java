package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.model.FailureDetection;
import org.understudy.model.PathKind;
import org.understudy.model.PathState;

/** The detector alone, fed by {@code heardOn} as the replication link would. */
class HealthDetectorTest extends DetectorTestBase {

    /** Feeds life on {@code paths} every 250 ms for {@code d}. */
    private void live(Duration d, String... paths) {
        for (long t = 0; t < d.toMillis(); t += 250) {
            for (String p : paths) {
                detector.heardOn("p1", p);
            }
            scheduler.advance(Duration.ofMillis(250));
        }
    }

    @Test
    void perPathTimeouts_slowPathKeepsItsLongerTimeout() {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK),
                new PathConfig("serial", PathKind.OTHER, Duration.ofSeconds(1), Duration.ofSeconds(5))), n -> null);
        detector.start();
        live(Duration.ofSeconds(4), "link");
        assertEquals(PathState.UP, detector.paths("p1").get(1).state(), "serial still within its 5 s");
        live(Duration.ofMillis(1500), "link");
        assertEquals(PathState.DOWN, detector.paths("p1").get(1).state());
        assertEquals(NodeHealth.DEGRADED, detector.health("p1").orElseThrow());
        assertTrue(of(HealthEvent.Suspected.class).isEmpty());
    }

    @Test
    void lifeWhileProbing_lateProbeResultIgnored() {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK)),
                n -> new ServiceProbe.Result(false, "refused", 0));
        detector.start();
        scheduler.advance(Duration.ofMillis(2250));
        assertEquals(1, of(HealthEvent.Suspected.class).size());
        assertEquals(1, probes.size(), "probe handed to the executor, not yet run");
        detector.heardOn("p1", "link");
        scheduler.advance(Duration.ofMillis(250));
        assertEquals(1, of(HealthEvent.Alive.class).size());
        probes.get(0).run(); // the slow probe finally answers "failed"
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "a stale verdict never fails a live node");
        assertEquals(NodeHealth.UP, detector.health("p1").orElseThrow());
    }

    @Test
    void pause_pathAlreadyDown_staysDownWithoutFakeRecovery() {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK),
                PathConfig.of("production", PathKind.PRODUCTION)), n -> null);
        detector.start();
        live(Duration.ofSeconds(3), "production");
        assertEquals(1, of(HealthEvent.PathDown.class).size());
        scheduler.jump(Duration.ofSeconds(10));
        live(Duration.ofSeconds(1), "production");
        assertEquals(1, detector.pauses());
        assertTrue(of(HealthEvent.PathUp.class).isEmpty());
        assertEquals(PathState.DOWN, detector.paths("p1").get(0).state());
    }

    @Test
    void shortStall_belowPauseThreshold_notAPause() {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK)), n -> null);
        detector.start();
        live(Duration.ofSeconds(1), "link");
        scheduler.jump(Duration.ofMillis(200)); // tick 450 ms after the last: under 2 x 250 ms
        live(Duration.ofSeconds(1), "link");
        assertEquals(0, detector.pauses());
    }

    @Test
    void heardOn_unknownNodeOrPath_ignored() {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK)), n -> null);
        detector.heardOn("p9", "link");
        detector.heardOn("p1", "nope");
        assertEquals(0, detector.paths("p1").get(0).valid());
        assertTrue(detector.paths("p9").isEmpty());
    }

    @Test
    void probeThrows_countsAsFailedProbe() {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK)), n -> {
            throw new IllegalStateException("nbd client bug");
        });
        detector.start();
        scheduler.advance(Duration.ofMillis(2250));
        probes.forEach(Runnable::run);
        assertEquals(1, of(HealthEvent.Failed.class).size());
        assertTrue(of(HealthEvent.Failed.class).get(0).probeDetail().contains("nbd client bug"));
    }

    // ---- the slow path's probe ahead of the timeout ----------------------------------------------------------------

    /** A probe with a time limit of 500 ms (an NBD probe's default): the slow path starts it that long ahead. */
    private static ServiceProbe limited(boolean alive) {
        return new ServiceProbe() {
            @Override
            public Result probe(String node) {
                return new Result(alive, alive ? "NBD answers" : "NBD handshake failed: Read timed out", 500_000_000L);
            }

            @Override
            public Duration timeLimit() {
                return Duration.ofMillis(500);
            }
        };
    }

    private void watchSlow(ServiceProbe probe) {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK),
                PathConfig.of("production", PathKind.PRODUCTION)), probe);
        detector.start();
    }

    @Test
    void frozenHost_probeStartsItsLimitAhead_failedAtTheTimeoutNotALimitLater() {
        watchSlow(limited(false));
        scheduler.advance(Duration.ofMillis(1500));
        assertTrue(probes.isEmpty(), "silent 1.5 s: not yet within the probe's limit of the 2 s timeout");
        scheduler.advance(Duration.ofMillis(250));
        assertEquals(1, probes.size(), "silent 1.75 s: the probe starts ahead");
        probes.get(0).run(); // a frozen host: it times out
        assertTrue(of(HealthEvent.Suspected.class).isEmpty() && of(HealthEvent.Failed.class).isEmpty(),
                "nothing decided before every path is past its timeout");
        assertEquals(NodeHealth.UP, detector.health("p1").orElseThrow());

        scheduler.advance(Duration.ofMillis(500));
        assertEquals(1, of(HealthEvent.Suspected.class).size());
        HealthEvent.Failed failed = of(HealthEvent.Failed.class).get(0);
        assertEquals(1, probes.size(), "no second probe: the answer was in");
        assertEquals(FailureDetection.HOST_SILENT, failed.detection().path());
        assertEquals(List.of("silence", "probe"), failed.detection().facts().stream()
                .map(FailureDetection.Fact::name).toList());
        assertTrue(failed.detection().facts().get(1).detail().contains("started 500 ms before every path was past"),
                failed.detection().toString());
        assertEquals(NodeHealth.FAILED, detector.health("p1").orElseThrow());
    }

    @Test
    void silentHost_probedAndDecidedAtTheCrossings_notAtTheTicksAfter() {
        // ticks every 250 ms from 0; the last heartbeats come 10 ms after one, so every crossing falls between ticks
        watchSlow(limited(false));
        scheduler.advance(Duration.ofMillis(10));
        detector.heardOn("p1", "link");
        detector.heardOn("p1", "production");
        scheduler.advance(Duration.ofMillis(1520));
        assertEquals(1, probes.size(), "silent 1.52 s: the probe started at 1.5 s, not at the 1.75 s tick");
        probes.get(0).run(); // a frozen host: it times out
        scheduler.advance(Duration.ofMillis(480));
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "silent exactly the timeout: not past it");
        scheduler.advance(Duration.ofMillis(1));
        HealthEvent.Failed failed = of(HealthEvent.Failed.class).get(0);
        assertEquals(FailureDetection.HOST_SILENT, failed.detection().path(),
                "decided as the paths crossed the timeout, not at the 2.25 s tick");
    }

    @Test
    void probeAheadStillRunningAtTheTimeout_itsAnswerDecides() {
        watchSlow(limited(false));
        scheduler.advance(Duration.ofMillis(2250));
        assertEquals(1, of(HealthEvent.Suspected.class).size());
        assertEquals(1, probes.size(), "the probe started ahead is the confirming probe");
        assertTrue(of(HealthEvent.Failed.class).isEmpty());
        probes.get(0).run();
        assertEquals(1, of(HealthEvent.Failed.class).size());
    }

    @Test
    void lifeAfterTheProbeAhead_dropsIt_noFailure() {
        watchSlow(limited(false));
        scheduler.advance(Duration.ofMillis(1750));
        assertEquals(1, probes.size());
        detector.heardOn("p1", "production"); // a heartbeat comes late, after the probe started
        probes.get(0).run();
        scheduler.advance(Duration.ofMillis(1000));
        assertTrue(of(HealthEvent.Suspected.class).isEmpty() && of(HealthEvent.Failed.class).isEmpty());
        assertEquals(NodeHealth.DEGRADED, detector.health("p1").orElseThrow(), "link down, production heard");

        scheduler.advance(Duration.ofMillis(2000)); // silent again past every timeout
        assertEquals(1, of(HealthEvent.Suspected.class).size());
        assertEquals(2, probes.size(), "a fresh probe: the earlier answer predates the life heard since");
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "never failed on a probe older than the last life");
    }

    @Test
    void probeAheadAnswers_probedAgainAtTheTimeout_neverFailed() {
        watchSlow(limited(true));
        scheduler.advance(Duration.ofMillis(1750));
        probes.get(0).run();
        scheduler.advance(Duration.ofMillis(500));
        assertEquals(2, probes.size(), "an earlier answer is no verdict: the timeout's own probe runs");
        probes.get(1).run();
        assertEquals(1, of(HealthEvent.ProbeAnswered.class).size());
        assertTrue(of(HealthEvent.Failed.class).isEmpty());
    }

    @Test
    void standbyPauseAfterTheProbeAhead_dropsIt() {
        watchSlow(limited(false));
        scheduler.advance(Duration.ofMillis(1750));
        scheduler.jump(Duration.ofSeconds(5)); // the standby itself stood still
        probes.get(0).run();
        scheduler.advance(Duration.ofMillis(250));
        assertEquals(1, detector.pauses());
        assertTrue(of(HealthEvent.Suspected.class).isEmpty() && of(HealthEvent.Failed.class).isEmpty(),
                "a pause alone never fails a node");
    }

    // ---- the fast path (process-dead) ------------------------------------------------------------------------------

    private static final Duration GRACE = Duration.ofMillis(375);
    private static final ServiceProbe REFUSED = n -> new ServiceProbe.Result(false, "connect refused", 1_000_000, true);

    private void watchFast(ServiceProbe probe) {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK),
                PathConfig.of("production", PathKind.PRODUCTION)), probe, GRACE);
        detector.start();
        live(Duration.ofSeconds(1), "link", "production");
    }

    private void runProbes() {
        List<Runnable> now = List.copyOf(probes);
        probes.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void fastPath_closedRefusedSilent_failedExactlyWhenTheGraceEnds() {
        watchFast(REFUSED);
        detector.heardOn("p1", "link");
        detector.heardOn("p1", "production");
        long lastHeard = clock.getAsLong();
        scheduler.advance(Duration.ofMillis(100));
        detector.closedByPeer("p1", "link", "end of stream");
        runProbes();
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "not before the grace");
        scheduler.advance(Duration.ofMillis(274));
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "not before the grace");
        scheduler.advance(Duration.ofMillis(1));
        HealthEvent.Failed f = of(HealthEvent.Failed.class).get(0);
        assertTrue(f.processDead());
        assertEquals(GRACE.toNanos(), clock.getAsLong() - lastHeard, "decided on the grace, not on a tick");
        assertEquals(Duration.ofMillis(275), f.detection().took());
        assertEquals(NodeHealth.FAILED, detector.health("p1").orElseThrow());
        // the paths are not past their timeouts yet: the verdict stands without life after it
        scheduler.advance(Duration.ofSeconds(3));
        assertTrue(of(HealthEvent.Alive.class).isEmpty());
        assertEquals(1, of(HealthEvent.Failed.class).size());
        detector.heardOn("p1", "production"); // the process restarted
        scheduler.advance(Duration.ofMillis(250));
        assertEquals(1, of(HealthEvent.Alive.class).size());
    }

    @Test
    void fastPath_graceCountedOnTheHeartbeatPaths_notOnTheLinkThatClosed() {
        watchFast(REFUSED);
        detector.heardOn("p1", "production");
        long lastHeartbeat = clock.getAsLong();
        scheduler.advance(Duration.ofMillis(200));
        detector.heardOn("p1", "link"); // a frame just before the process died
        scheduler.advance(Duration.ofMillis(50));
        detector.closedByPeer("p1", "link", "end of stream");
        runProbes();
        scheduler.advance(Duration.ofMillis(125));
        assertTrue(of(HealthEvent.Failed.class).get(0).processDead());
        assertEquals(GRACE.toNanos(), clock.getAsLong() - lastHeartbeat, "the grace after the last heartbeat");
    }

    @Test
    void fastPath_heardAfterTheCloseThenSilent_dropped_slowPathDecides() {
        // a heartbeat after the close proves the process lived then, even if every path goes quiet afterwards
        watchFast(REFUSED);
        detector.closedByPeer("p1", "link", "connection reset");
        runProbes();
        scheduler.advance(Duration.ofMillis(100));
        detector.heardOn("p1", "production");
        scheduler.advance(Duration.ofSeconds(1));
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "no fast-path verdict");
        scheduler.advance(Duration.ofSeconds(2));
        runProbes();
        assertEquals(FailureDetection.HOST_SILENT, of(HealthEvent.Failed.class).get(0).detection().path());
    }

    /** A close, a refused probe, then the health thread runs 600 ms of its listeners' work: the next tick is late. */
    private void closeRefusedThenLateTick(PauseWitness witness) {
        detector.pauseWitness(witness);
        watchFast(REFUSED);
        detector.heardOn("p1", "link");
        detector.heardOn("p1", "production");
        detector.closedByPeer("p1", "link", "end of stream");
        runProbes();
        scheduler.jump(Duration.ofMillis(600));
        scheduler.advance(Duration.ofMillis(1));
    }

    @Test
    void fastPath_tickLateBecauseTheHealthThreadWasBusy_noPause_processDeadDecided() {
        // the receivers went on recording life meanwhile: a late tick alone says nothing of the primary
        closeRefusedThenLateTick((since, longerThan) -> false);
        assertEquals(0, detector.pauses(), "the process never stood still");
        HealthEvent.Failed f = of(HealthEvent.Failed.class).get(0);
        assertEquals(FailureDetection.PROCESS_DEAD, f.detection().path());
    }

    @Test
    void fastPath_tickLateAndTheProcessStoodStill_aPause_fastPathDropped() {
        closeRefusedThenLateTick((since, longerThan) -> true);
        assertEquals(1, detector.pauses());
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "never decided on the standby's own pause");
    }

    @Test
    void fastPath_pauseBeforeTheProbeResult_noVerdictOnThePausedSilence() {
        // the probe answers before any tick saw the pause: the silence it measures is the standby's own
        watchFast(REFUSED);
        scheduler.jump(Duration.ofMillis(1500));
        detector.closedByPeer("p1", "link", "connection reset");
        runProbes();
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "not decided on a pause");
        detector.heardOn("p1", "production"); // what arrived during the pause is read now
        scheduler.advance(Duration.ofSeconds(1));
        assertTrue(of(HealthEvent.Failed.class).isEmpty());
        assertEquals(1, detector.pauses());
    }

    @Test
    void fastPath_pauseSeenByATick_episodeDropped() {
        watchFast(REFUSED);
        scheduler.jump(Duration.ofMillis(1500));
        detector.closedByPeer("p1", "link", "connection reset");
        scheduler.advance(Duration.ofMillis(1)); // the tick sees the pause first
        runProbes();
        scheduler.advance(Duration.ofMillis(600));
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "after a pause only the slow path decides");
    }

    @Test
    void fastPath_probeAnswers_linkClosedAliveThenRestored() {
        watchFast(n -> new ServiceProbe.Result(true, "NBD answers", 1_000_000));
        detector.closedByPeer("p1", "link", "connection reset");
        runProbes();
        assertEquals(1, of(HealthEvent.LinkClosedAlive.class).size());
        live(Duration.ofSeconds(1), "link", "production");
        assertEquals(1, of(HealthEvent.LinkRestored.class).size());
        assertTrue(of(HealthEvent.Failed.class).isEmpty());
    }

    private static final ServiceProbe.Result RESET = new ServiceProbe.Result(false, "connection reset", 500_000,
            false, true);

    /** A probe answering each of {@code results} in turn, the last one from then on. */
    private static ServiceProbe inTurn(ServiceProbe.Result... results) {
        java.util.concurrent.atomic.AtomicInteger i = new java.util.concurrent.atomic.AtomicInteger();
        return n -> results[Math.min(i.getAndIncrement(), results.length - 1)];
    }

    @Test
    void fastPath_probeResetBeforeAGreeting_askedAgain_refusedThen_processDead() {
        // a dying process's listening socket exists for a moment after its link closed: the kernel takes the
        // probe's connection and resets it as the socket closes; the next probe is refused
        watchFast(inTurn(RESET, new ServiceProbe.Result(false, "connect refused", 1_000_000, true)));
        detector.heardOn("p1", "production");
        detector.closedByPeer("p1", "link", "end of stream");
        runProbes();
        assertTrue(probes.isEmpty(), "asked again only after a pause");
        scheduler.advance(Duration.ofMillis(10));
        assertEquals(1, probes.size(), "a reset is asked again");
        runProbes();
        scheduler.advance(GRACE);
        HealthEvent.Failed f = of(HealthEvent.Failed.class).get(0);
        assertTrue(f.processDead(), "the fast path decides: " + f.detection().describe());
        assertEquals(List.of("link-closed", "probe", "probe", "heartbeat-grace"),
                f.detection().facts().stream().map(FailureDetection.Fact::name).toList());
        assertTrue(f.detection().facts().get(1).detail().startsWith("reset"), f.detection().describe());
        assertTrue(f.detection().facts().get(2).detail().startsWith("refused"), f.detection().describe());
    }

    @Test
    void fastPath_probeResetEveryTime_neverAFastVerdict_slowPathDecides() {
        // a live service at its connection limit may reset too: a reset alone never tells of a death
        watchFast(inTurn(RESET));
        detector.closedByPeer("p1", "link", "end of stream");
        for (int i = 0; i < 10; i++) {
            runProbes();
            scheduler.advance(Duration.ofMillis(10));
        }
        scheduler.advance(Duration.ofMillis(500));
        assertTrue(of(HealthEvent.Failed.class).isEmpty(), "no fast-path verdict on resets");
        scheduler.advance(Duration.ofSeconds(2));
        runProbes();
        List<HealthEvent.Failed> failed = of(HealthEvent.Failed.class);
        assertEquals(1, failed.size());
        assertEquals(FailureDetection.HOST_SILENT, failed.get(0).detection().path());
    }

    @Test
    void fastPath_probeResetThenAnswers_alive_noTakeover() {
        watchFast(inTurn(RESET, new ServiceProbe.Result(true, "NBD answers", 1_000_000)));
        detector.closedByPeer("p1", "link", "connection reset");
        runProbes();
        scheduler.advance(Duration.ofMillis(10));
        runProbes();
        assertEquals(1, of(HealthEvent.LinkClosedAlive.class).size());
        scheduler.advance(Duration.ofMillis(500));
        assertTrue(of(HealthEvent.Failed.class).isEmpty());
    }

    @Test
    void fastPath_off_closeOnlyLogged() {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK)), REFUSED);
        detector.start();
        detector.closedByPeer("p1", "link", "end of stream");
        assertTrue(probes.isEmpty());
        scheduler.advance(Duration.ofSeconds(1));
        assertTrue(of(HealthEvent.Failed.class).isEmpty());
    }

    @Test
    void watch_graceNotLongerThanTheInterval_refused() {
        assertThrows(IllegalArgumentException.class, () -> detector.watch("p1",
                List.of(PathConfig.of("link", PathKind.REPLICATION_LINK)), REFUSED, Duration.ofMillis(250)));
    }
}
