package org.understudy.jmx;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.JmxConfig;
import org.understudy.config.JmxSecrets;
import org.understudy.config.JmxUser;
import org.understudy.config.MirrorMode;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.Secrets;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.face.FaceContext;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.EventBus;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverSummary;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.LatencySummary;
import org.understudy.model.MirrorState;
import org.understudy.model.NodeSnapshot;
import org.understudy.model.PathKind;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.Role;
import org.understudy.model.VolumeSnapshot;

/**
 * A standby for face tests: a settable snapshot, a real alarm registry and event bus, a command API over a handler
 * that records what it was asked and answers what the test says. Its own MBean server, so tests never meet.
 */
final class FakeNode {
    static final String MONITOR_PASSWORD = "monitor-pass-0123";
    static final String OPERATOR_PASSWORD = "operator-pass-0123";
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    final MBeanServer server = MBeanServerFactory.newMBeanServer();
    final AlarmRegistry alarms = new AlarmRegistry("standby", Clock.systemUTC());
    final EventBus events = new EventBus();
    final AtomicReference<ClusterSnapshot> snapshot = new AtomicReference<>();
    final List<Actor> actors = new CopyOnWriteArrayList<>();
    final List<Command> commands = new CopyOnWriteArrayList<>();
    final List<String> audit = new CopyOnWriteArrayList<>();
    volatile CommandResult answer = CommandResult.ok("done");
    final CommandApi api = new CommandApi("standby", (actor, command) -> {
        actors.add(actor);
        commands.add(command);
        return answer;
    }, (actor, command, result) -> audit.add(actor + " " + command.name() + " " + command.target() + " " + result.status()));

    FakeNode() {
        snapshot.set(snapshot(PrimaryState.PROTECTED, MirrorState.IN_SYNC, true));
    }

    static ClusterSnapshot snapshot(PrimaryState p1State, MirrorState volState, boolean withP2) {
        List<PathSnapshot> paths = List.of(
                new PathSnapshot("p1", "link", PathKind.REPLICATION_LINK, PathState.UP, Duration.ofMillis(120), T0, 10, 1, 2, 3),
                new PathSnapshot("p1", "production", PathKind.PRODUCTION, PathState.DOWN, Duration.ofSeconds(7), T0, 5, 0, 0, 0));
        FailoverTimeline t = new FailoverTimeline("p1", "switchover", "operator asked", T0,
                List.of(new FailoverStep("fence", Duration.ZERO, Duration.ofMillis(15), FailoverStep.Outcome.OK, ""),
                        new FailoverStep("serve-volumes", Duration.ofMillis(15), Duration.ofMillis(30), FailoverStep.Outcome.OK, "2 exports")),
                Duration.ofMillis(45), true);
        List<PrimarySnapshot> primaries = new ArrayList<>();
        primaries.add(new PrimarySnapshot("p1", p1State, "every path up, 2.0 s", T0, paths, t));
        List<VolumeSnapshot> volumes = new ArrayList<>();
        volumes.add(new VolumeSnapshot("p1", "vol0", 64L << 20, MirrorMode.SYNC, volState, 100.0, 4096, 1,
                new LatencySummary(10, 50, 99, 999, 1500)));
        if (withP2) {
            primaries.add(new PrimarySnapshot("p2", PrimaryState.SYNCING, "", T0, List.of(), null));
            volumes.add(new VolumeSnapshot("p2", "vol0", 32L << 20, MirrorMode.ASYNC, MirrorState.SYNCING, 42.5, 0, 0, LatencySummary.EMPTY));
        }
        return new ClusterSnapshot("demo", new NodeSnapshot("standby", Role.STANDBY, "1.2.3", 4242, T0), primaries, volumes, List.of(),
                List.of(), List.of(), new FailoverSummary(true, 0, 1, t), T0.plusSeconds(60));
    }

    /** Every refused login the face reported. */
    final java.util.List<org.understudy.security.AuthFailure> authFailures =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    FaceContext context(JmxConfig jmx) {
        Path dir = Path.of("target", "fake-node").toAbsolutePath();
        StandbyConfig standby = new StandbyConfig("standby", "127.0.0.1", new Endpoint("127.0.0.1", 7700),
                new Endpoint("127.0.0.1", 7800), dir, jmx);
        PrimaryConfig p1 = new PrimaryConfig("p1", "127.0.1.1", 10809, new Endpoint("127.0.1.1", 7800), dir.resolve("p1"),
                List.of(new VolumeConfig("vol0", dir.resolve("vol0.img"), 64L << 20, MirrorMode.SYNC)));
        JmxSecrets jmxSecrets = new JmxSecrets(List.of(new JmxUser("watcher", MONITOR_PASSWORD, JmxUser.Role.MONITOR),
                new JmxUser("ops", OPERATOR_PASSWORD, JmxUser.Role.OPERATOR)), null, null);
        ClusterConfig cluster = new ClusterConfig(dir.resolve("cluster.yaml"), "demo", standby, List.of(p1),
                new Secrets(dir.resolve("secrets.yaml"), new byte[32], "token-0123456789abc", jmxSecrets));
        return new FaceContext(cluster, standby, snapshot::get, alarms, events, api, dir, authFailures::add);
    }

    /** A face over this node with a fast refresh, started. */
    JmxFace startFace(JmxConfig jmx) throws Exception {
        JmxFace face = new JmxFace(server, System::nanoTime, 20);
        face.start(context(jmx));
        return face;
    }
}
