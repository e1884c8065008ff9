package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.AlarmKind;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathKind;
import org.understudy.transport.FakeClock;
import org.understudy.transport.FaultyTransport;
import org.understudy.transport.InMemoryNetwork;
import org.understudy.transport.ManualScheduler;

/** The primary's side: it watches the standby and alarms, but keeps serving. */
class StandbyWatchTest {
    private final FakeClock clock = new FakeClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<ModelEvent> events = new ArrayList<>();
    private final AlarmRegistry alarms = new AlarmRegistry("p1", clock);
    private final HeartbeatCodec codec = new HeartbeatCodec("understudy-test-cluster-key-0123456789".getBytes());
    private final List<PathConfig> paths = List.of(PathConfig.of("link", PathKind.REPLICATION_LINK),
            PathConfig.of("production", PathKind.PRODUCTION));
    private final StandbyWatch watch = new StandbyWatch("p1", "standby", paths, clock, alarms, events::add,
            l -> new HealthDetector("p1", clock, clock, scheduler, Runnable::run, HealthDetector.Settings.DEFAULTS, l));
    private final InMemoryNetwork net = new InMemoryNetwork();
    private final HeartbeatSender standby = new HeartbeatSender("standby", 1, codec, scheduler, clock);
    private final List<FaultyTransport> standbyEnds = new ArrayList<>();

    StandbyWatchTest() {
        for (PathConfig p : paths) {
            var primaryEnd = net.endpoint("p1-" + p.id());
            new HeartbeatReceiver("p1", p.id(), primaryEnd, codec, watch.detector());
            FaultyTransport end = new FaultyTransport(net.endpoint("standby-" + p.id()), scheduler, 3);
            standbyEnds.add(end);
            standby.addTarget(p, end, primaryEnd.localAddress());
        }
        standby.start();
        watch.detector().start();
    }

    @Test
    void standbyStops_allPathsSilent_standbyLostThenRestored() {
        scheduler.advance(Duration.ofSeconds(1));
        assertFalse(watch.standbyLost());
        standby.stop();
        scheduler.advance(Duration.ofSeconds(3));
        assertTrue(watch.standbyLost());
        assertTrue(alarms.isActive(AlarmKind.STANDBY_LOST, "standby"));
        assertEquals(1, events.stream().filter(e -> e instanceof ModelEvent.StandbyLost).count());

        standby.start();
        scheduler.advance(Duration.ofSeconds(1));
        assertFalse(watch.standbyLost());
        assertFalse(alarms.isActive(AlarmKind.STANDBY_LOST, "standby"));
        assertEquals(1, events.stream().filter(e -> e instanceof ModelEvent.StandbyRestored).count());
    }

    @Test
    void standbyNeverHeardSinceStart_notLostBeforeTheStartupGrace_thenLost() {
        // a second primary's watch that no heartbeat reaches: the standby was never heard since it started watching
        AlarmRegistry own = new AlarmRegistry("p2", clock);
        StandbyWatch fresh = new StandbyWatch("p2", "standby", paths, clock, own, events::add,
                l -> new HealthDetector("p2", clock, clock, scheduler, Runnable::run, HealthDetector.Settings.DEFAULTS,
                        l));
        fresh.detector().start();
        scheduler.advance(StandbyWatch.STARTUP_GRACE.minusSeconds(1));
        assertFalse(fresh.standbyLost(), "a standby still starting is not lost");
        assertFalse(own.isActive(AlarmKind.STANDBY_LOST, "standby"));
        scheduler.advance(Duration.ofSeconds(4));
        assertTrue(fresh.standbyLost(), "never heard in the startup grace: lost");
        assertTrue(own.isActive(AlarmKind.STANDBY_LOST, "standby"));
        assertFalse(watch.standbyLost(), "the watch its heartbeats reach is not");
    }

    @Test
    void onePathToStandbyCut_pathAlarmOnly_notLost() {
        scheduler.advance(Duration.ofSeconds(1));
        standbyEnds.get(0).cutOutbound(true);
        scheduler.advance(Duration.ofSeconds(5));
        assertFalse(watch.standbyLost());
        assertTrue(alarms.isActive(AlarmKind.PATH_DOWN, "standby/link"));
    }
}
