package org.understudy.health;

import java.util.ArrayList;
import java.util.List;
import org.understudy.transport.FakeClock;
import org.understudy.transport.ManualScheduler;

/** A detector on a fake clock and a manual scheduler, its events collected and its probes held until a test runs them. */
abstract class DetectorTestBase {
    final FakeClock clock = new FakeClock();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final List<HealthEvent> events = new ArrayList<>();
    final List<Runnable> probes = new ArrayList<>();
    final HealthDetector detector = new HealthDetector("standby", clock, clock, scheduler, probes::add,
            HealthDetector.Settings.DEFAULTS, events::add);

    /** The events of one kind, in order. */
    <T extends HealthEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
