package org.understudy.health;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.ModelEvent;

/**
 * The primary's side: watches the standby over the same paths (its heartbeats and the replication link's
 * acknowledgements, fed to {@link #detector()}{@code .heardOn(standby, path)}) and raises "standby lost" when every
 * path has gone silent, "standby restored" when one shows life again. The primary keeps serving either way: this
 * only alarms. No probe: silence alone decides. A standby never heard since this primary started watching is not
 * declared lost before {@link #STARTUP_GRACE} (see {@link FirstContact}): a primary and a standby started together
 * (a demo, a cluster powered up at once) hear each other only once both JVMs are up, two seconds or more, and every
 * such start raised a MAJOR alarm and its trap, cleared a moment later. Thread-safe.
 */
public final class StandbyWatch implements HealthListener {
    private static final Logger LOG = LogManager.getLogger(StandbyWatch.class);
    /**
     * How long a standby never heard since watching started may stay silent before it is declared lost: a standby
     * JVM started with this primary is heard within a few seconds; one that is down is reported ten seconds after the
     * primary's start (its volumes show DEGRADED from their first link attempt, and the wait is logged meanwhile).
     */
    public static final Duration STARTUP_GRACE = Duration.ofSeconds(10);

    private final String self;
    private final String standby;
    private final InstantSource wall;
    private final AlarmRegistry alarms;
    private final Consumer<ModelEvent> events;
    private final HealthDetector detector;
    private boolean lost;

    /**
     * Creates the watch and its detector (not started). {@code detectorFactory} builds the detector with this watch
     * as its listener, so the caller picks clock, scheduler and settings.
     */
    public StandbyWatch(String self, String standby, List<PathConfig> paths, InstantSource wall, AlarmRegistry alarms,
                        Consumer<ModelEvent> events, java.util.function.Function<HealthListener,
                        HealthDetector> detectorFactory) {
        this.self = self;
        this.standby = standby;
        this.wall = wall;
        this.alarms = alarms;
        this.events = events;
        this.detector = detectorFactory.apply(this);
        detector.watch(standby, paths, ServiceProbe.NONE, Duration.ZERO, STARTUP_GRACE);
    }

    public HealthDetector detector() {
        return detector;
    }

    public synchronized boolean standbyLost() {
        return lost;
    }

    @Override
    public void onHealth(HealthEvent event) {
        switch (event) {
            case HealthEvent.PathDown d -> {
                alarms.raise(AlarmKind.PATH_DOWN, standby + "/" + d.path(), AlarmSeverity.MINOR, String.format(
                        "path %s to standby %s silent %.2f s; %d of %d paths up", d.path(), standby,
                        d.silentNanos() / 1e9, d.pathsUp(), d.pathsTotal()));
                events.accept(new ModelEvent.PathChanged(wall.instant(), standby, d.path(), d.kind(),
                        org.understudy.model.PathState.DOWN, Duration.ofNanos(d.silentNanos())));
            }
            case HealthEvent.PathUp u -> {
                alarms.clear(AlarmKind.PATH_DOWN, standby + "/" + u.path(), "path " + u.path() + " up again");
                events.accept(new ModelEvent.PathChanged(wall.instant(), standby, u.path(), u.kind(),
                        org.understudy.model.PathState.UP, Duration.ZERO));
            }
            case HealthEvent.Failed f -> {
                String reason = String.format("standby %s silent on every path (%s); this primary keeps serving, "
                        + "unprotected", standby, HealthEvent.describe(f.silence()));
                synchronized (this) {
                    lost = true;
                }
                LOG.error("{}: STANDBY LOST: {}", self, reason);
                alarms.raise(AlarmKind.STANDBY_LOST, standby, AlarmSeverity.MAJOR, reason);
                events.accept(new ModelEvent.StandbyLost(wall.instant(), standby, reason));
            }
            case HealthEvent.Alive a -> {
                boolean was;
                synchronized (this) {
                    was = lost;
                    lost = false;
                }
                if (was) {
                    String reason = "standby " + standby + " heard again on " + a.path();
                    LOG.info("{}: standby restored: {}", self, reason);
                    alarms.clear(AlarmKind.STANDBY_LOST, standby, reason);
                    events.accept(new ModelEvent.StandbyRestored(wall.instant(), standby, reason));
                }
            }
            case HealthEvent.LocalPause p -> events.accept(new ModelEvent.LocalPause(wall.instant(), self,
                    Duration.ofNanos(p.gapNanos()), Duration.ofNanos(p.expectedNanos())));
            case HealthEvent.Suspected s -> LOG.debug("{}: standby silent on every path: {}", self,
                    HealthEvent.describe(s.silence()));
            case HealthEvent.ProbeAnswered ignored -> {
                // the standby has no probe
            }
            case HealthEvent.LinkClosedAlive ignored -> {
                // the standby is watched without the fast path
            }
            case HealthEvent.LinkRestored ignored -> {
                // idem
            }
        }
    }
}
