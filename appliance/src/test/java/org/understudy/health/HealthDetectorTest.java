package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.model.PathKind;
import org.understudy.model.PathState;
import org.understudy.transport.FakeClock;
import org.understudy.transport.ManualScheduler;

/** The detector alone, fed by {@code heardOn} as the replication link would. */
class HealthDetectorTest {
    private final FakeClock clock = new FakeClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<HealthEvent> events = new ArrayList<>();
    private final List<Runnable> probes = new ArrayList<>();
    private final HealthDetector detector = new HealthDetector("standby", clock, clock, scheduler, probes::add,
            HealthDetector.Settings.DEFAULTS, events::add);

    private <T extends HealthEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

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
}
