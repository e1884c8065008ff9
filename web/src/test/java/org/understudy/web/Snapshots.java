package org.understudy.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.understudy.config.MirrorMode;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.BandwidthCaps;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.DetectionSettings;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverSummary;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.LatencySummary;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.model.NodeSnapshot;
import org.understudy.model.PathKind;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.Role;
import org.understudy.model.VerifySummary;
import org.understudy.model.VolumeSnapshot;

/** Model snapshots for the web face's unit tests: a standby with N primaries of V volumes each. */
public final class Snapshots {
    public static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");
    /** Text a hostile peer or a careless configuration could put into the model. */
    public static final String EVIL = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;";

    private Snapshots() {
    }

    /**
     * {@code s} after p2 was taken over on the fast path (its detection's facts carry {@code text}), with every
     * primary's detection settings; p1 keeps its switchover (an operator's: no detection).
     */
    public static ClusterSnapshot withDetection(ClusterSnapshot s, String text) {
        FailureDetection d = new FailureDetection(FailureDetection.PROCESS_DEAD, T0.plusSeconds(30), Duration.ofMillis(312),
                List.of(new FailureDetection.Fact("link-closed", Duration.ZERO, "peer closed the replication link " + text),
                        new FailureDetection.Fact("probe", Duration.ofMillis(3), "127.0.1.2:10809 refused in 1 ms " + text),
                        new FailureDetection.Fact("heartbeat-grace", Duration.ofMillis(312), "no heartbeat for 309 ms")));
        FailoverTimeline t = new FailoverTimeline("p2", "failover", "process dead " + text, T0.plusSeconds(31), List.of(
                new FailoverStep("fence-epoch", Duration.ZERO, Duration.ofMillis(20), FailoverStep.Outcome.OK, "epoch 3"),
                new FailoverStep(FailoverTimeline.SERVING_STEP, Duration.ofMillis(20), Duration.ofMillis(90),
                        FailoverStep.Outcome.OK, "2 exports")), Duration.ofMillis(110), true, d);
        DetectionSettings settings = new DetectionSettings(Duration.ofMillis(250), Duration.ofMillis(2000),
                Duration.ofMillis(500), Duration.ofMillis(375));
        List<PrimarySnapshot> ps = s.primaries().stream().map(p -> !p.name().equals("p2") ? p.withDetection(settings)
                : new PrimarySnapshot(p.name(), PrimaryState.STANDING_IN, p.cause(), p.since(), p.paths(), t, 1, p.caps(),
                        null, t, settings)).toList();
        return new ClusterSnapshot(s.cluster(), s.node(), ps, s.volumes(), s.links(), s.paths(), s.alarms(), s.failover(),
                s.takenAt());
    }

    public static ClusterSnapshot standby(int primaries, int volumes) {
        return standby(primaries, volumes, "");
    }

    /** A standby's snapshot; {@code text} is put into every free-text field (causes, details, descriptions). */
    public static ClusterSnapshot standby(int primaries, int volumes, String text) {
        List<PrimarySnapshot> ps = new ArrayList<>();
        List<VolumeSnapshot> vs = new ArrayList<>();
        List<LinkSnapshot> links = new ArrayList<>();
        for (int i = 1; i <= primaries; i++) {
            String p = "p" + i;
            List<PathSnapshot> paths = List.of(
                    new PathSnapshot(p, "link", PathKind.REPLICATION_LINK, PathState.UP, Duration.ofMillis(100), T0, 100, 0, 0, 0),
                    new PathSnapshot(p, "production", PathKind.PRODUCTION, i == 1 ? PathState.DOWN : PathState.UP,
                            Duration.ofMillis(i == 1 ? 2500 : 50), T0, 90, 1, 2, 3));
            FailoverTimeline t = i == 1 ? new FailoverTimeline(p, "switchover", "planned " + text, T0, List.of(
                    new FailoverStep("drain-primary", Duration.ZERO, Duration.ofMillis(120), FailoverStep.Outcome.OK, "drained " + text),
                    new FailoverStep("fence-epoch", Duration.ofMillis(120), Duration.ofMillis(30), FailoverStep.Outcome.OK, "epoch 2")),
                    Duration.ofMillis(150), true) : null;
            ps.add(new PrimarySnapshot(p, i == 1 ? PrimaryState.STANDING_IN : PrimaryState.PROTECTED, "cause of " + p + " " + text,
                    T0, paths, t, i == 1 ? 1 : 0, new BandwidthCaps(20_000_000, 0)));
            for (int v = 0; v < volumes; v++) {
                String name = "vol" + v;
                vs.add(new VolumeSnapshot(p, name, 64L << 20, MirrorMode.SYNC, v == 0 ? MirrorState.SYNCING : MirrorState.IN_SYNC,
                        v == 0 ? 42.5 : 100.0, 1000L * i + v, 10L * i + v, new LatencySummary(10, 300, 1200, 5000, 9000),
                        v == 0 ? 4096L * i : -1, 1 << 20, 4 << 20, 2e6, 512L * v, "00ab" + text,
                        new VerifySummary(T0, 1024, 0, "no mismatch " + text)));
                links.add(new LinkSnapshot(p, name, LinkState.UP, T0, "from /127.0.0.1:4000" + v + " " + text));
            }
        }
        List<Alarm> alarms = List.of( // most severe first, as the model gives them
                new Alarm(2, AlarmKind.STANDING_IN, "p1", AlarmSeverity.MAJOR, "standing in " + text, T0, T0),
                new Alarm(1, AlarmKind.PATH_DOWN, "p1/path/production", AlarmSeverity.MINOR, "production down " + text, T0, T0));
        return new ClusterSnapshot("demo", new NodeSnapshot("standby", Role.STANDBY, "1.0", 4242, T0), ps, vs, links,
                List.of(), alarms, new FailoverSummary(true, 1, 1, ps.getFirst().lastFailover()), T0);
    }
}
