package org.understudy.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.AlarmKind;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryState;
import org.understudy.transport.FakeClock;

/**
 * A failover's duration is one figure, defined once (decision to serving): the timeline, the state change, the alarm
 * and the completion event say the same. Regression: 0.321 s in the alarm (counted from the decision, queueing
 * included), 238 ms in the timeline (counted from its first step) and "completed in 238 ms in 217.4 ms" in the event
 * log (the sum of the steps).
 */
class FailoverDurationTest {
    @Test
    void takeoverQueuedBeforeItRuns_everyFaceReportsTheSameDecisionToServingFigure() {
        FakeClock clock = new FakeClock();
        FakeSteps steps = new FakeSteps(clock, Duration.ofMillis(20));
        List<Runnable> queued = new ArrayList<>();
        List<ModelEvent> events = new CopyOnWriteArrayList<>();
        AlarmRegistry alarms = new AlarmRegistry("standby", clock);
        FailoverEngine engine = new FailoverEngine("standby", clock, clock, queued::add, FailoverPolicy.DEFAULTS,
                new FailoverEngine.Actions(steps, steps, steps), alarms, events::add);
        engine.addPrimary(new TakeoverTarget("p1", "127.0.0.1", 10809, List.of("v"), List.of(Path.of("/r/p1/v.img"))));
        engine.replicaStatus("p1", true, "in sync");

        assertTrue(engine.commands().forceFailover("p1", "ops").accepted());
        clock.advance(Duration.ofMillis(83)); // the takeover waits for its thread
        queued.removeFirst().run();

        FailoverTimeline t = engine.lastTimeline("p1").orElseThrow();
        // 83 ms queued + 6 steps of 20 ms up to serve-volumes; the hooks (a 7th step) run while clients are served
        assertEquals(Duration.ofMillis(203), t.total());
        assertEquals(Duration.ofMillis(83), t.step("fence-epoch").orElseThrow().start(), "steps count from the decision");
        ModelEvent.StateChanged standingIn = events.stream().filter(ModelEvent.StateChanged.class::isInstance)
                .map(ModelEvent.StateChanged.class::cast).filter(s -> s.to() == PrimaryState.STANDING_IN).findFirst()
                .orElseThrow();
        assertTrue(standingIn.cause().contains("0.203 s"), standingIn.cause());
        assertEquals(0.203, standingIn.numbers().get("totalSeconds").doubleValue(), 1e-9);
        String alarm = alarms.active().stream().filter(a -> a.kind() == AlarmKind.STANDING_IN).findFirst()
                .orElseThrow().description();
        assertTrue(alarm.contains("0.203 s"), alarm);
        ModelEvent.FailoverCompleted done = events.stream().filter(ModelEvent.FailoverCompleted.class::isInstance)
                .map(ModelEvent.FailoverCompleted.class::cast).findFirst().orElseThrow();
        assertEquals(t.total(), done.timeline().total());
    }
}
