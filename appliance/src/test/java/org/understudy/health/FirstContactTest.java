package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.model.PathKind;
import org.understudy.model.PathState;

/** The startup grace: a node never heard since watching started is not suspected before it has passed. */
class FirstContactTest extends DetectorTestBase {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private void watch(Duration startupGrace) {
        detector.watch("p1", List.of(PathConfig.of("link", PathKind.REPLICATION_LINK),
                PathConfig.of("production", PathKind.PRODUCTION)),
                n -> new ServiceProbe.Result(false, "refused", 0, true), Duration.ZERO, startupGrace);
        detector.start();
    }

    private void runProbes() {
        List<Runnable> now = List.copyOf(probes);
        probes.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void neverHeard_notSuspectedWithinTheGrace_thenFailedLikeAnySilentNode() {
        watch(STARTUP);
        scheduler.advance(Duration.ofSeconds(59));
        assertEquals(2, of(HealthEvent.PathDown.class).size(), "its paths are shown down at their timeout");
        assertTrue(of(HealthEvent.Suspected.class).isEmpty(), "no suspicion within the startup grace");
        assertTrue(probes.isEmpty(), "not even a probe ahead of one");

        scheduler.advance(Duration.ofMillis(1250));
        assertEquals(1, of(HealthEvent.Suspected.class).size(), "the grace is over");
        runProbes();
        assertEquals(1, of(HealthEvent.Failed.class).size());
        assertEquals(NodeHealth.FAILED, detector.health("p1").orElseThrow());
    }

    @Test
    void firstHeardWithinTheGrace_itsPathsComeUpAndNothingIsSuspected() {
        watch(STARTUP);
        scheduler.advance(Duration.ofSeconds(30));
        detector.heardOn("p1", "link");
        detector.heardOn("p1", "production");
        scheduler.advance(Duration.ofMillis(250));
        assertEquals(2, of(HealthEvent.PathUp.class).size());
        assertTrue(of(HealthEvent.Suspected.class).isEmpty());
        assertEquals(NodeHealth.UP, detector.health("p1").orElseThrow());
    }

    @Test
    void heardOnce_thenSilent_theTimeoutAloneCounts() {
        watch(STARTUP);
        scheduler.advance(Duration.ofSeconds(1));
        detector.heardOn("p1", "link");
        detector.heardOn("p1", "production");
        scheduler.advance(Duration.ofMillis(2500));
        assertEquals(1, of(HealthEvent.Suspected.class).size(), "suspected at its 2 s timeout, not after 60 s");
        runProbes();
        assertEquals(1, of(HealthEvent.Failed.class).size());
    }

    @Test
    void noGrace_aNodeNeverHeardIsSuspectedAtItsTimeout() {
        watch(Duration.ZERO);
        scheduler.advance(Duration.ofMillis(2500));
        assertEquals(1, of(HealthEvent.Suspected.class).size());
        assertEquals(PathState.DOWN, detector.paths("p1").get(0).state());
    }
}
