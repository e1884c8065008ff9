package org.understudy.snmp;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.command.Actor;
import org.understudy.command.AuditSink;
import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandHandler;
import org.understudy.command.CommandResult;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.MirrorMode;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.Secrets;
import org.understudy.config.SnmpConfig;
import org.understudy.config.SnmpSecrets;
import org.understudy.config.SnmpTarget;
import org.understudy.config.SnmpUser;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.face.FaceContext;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.EventBus;
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
 * A cluster of simulated primaries for SNMP tests and the benchmark: a cluster config, a standby snapshot with every
 * primary, volume and path, a real alarm registry and event bus, and a command handler that records what it was asked
 * and answers what the test says. Thread-safe where the face needs it.
 */
final class SyntheticCluster {
    static final String OPS = "ops";
    static final String OPS_AUTH = "ops-auth-pass";
    static final String OPS_PRIV = "ops-priv-pass";
    static final String MONITOR = "monitor";
    static final String MONITOR_AUTH = "monitor-auth-pass";
    static final String MONITOR_PRIV = "monitor-priv-pass";
    static final String COMMUNITY = "public-ro";
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    final ClusterConfig config;
    final AlarmRegistry alarms = new AlarmRegistry("standby", java.time.Clock.systemUTC());
    final EventBus events = new EventBus();
    final List<Command> commands = new CopyOnWriteArrayList<>();
    final List<String> audit = new CopyOnWriteArrayList<>();
    final AtomicReference<CommandHandler> handler = new AtomicReference<>((a, c) -> CommandResult.ok("done"));
    final AtomicReference<ClusterSnapshot> snapshot = new AtomicReference<>();
    private final Path stateDir;

    SyntheticCluster(Path dir, int primaries, int volumes, int agentPort, List<SnmpTarget> targets) {
        this(dir, primaries, volumes, agentPort, targets, SnmpConfig.SystemInfo.NONE);
    }

    /** With the sysContact and sysLocation the cluster file gives the standby's agent. */
    SyntheticCluster(Path dir, int primaries, int volumes, int agentPort, List<SnmpTarget> targets,
                     SnmpConfig.SystemInfo system) {
        this.stateDir = dir.resolve("state/standby");
        StandbyConfig standby = new StandbyConfig("standby", "127.0.0.1", new Endpoint("127.0.0.1", 7700),
                new Endpoint("127.0.0.1", 7800), stateDir);
        List<PrimaryConfig> ps = new ArrayList<>();
        List<PrimarySnapshot> states = new ArrayList<>();
        List<VolumeSnapshot> vols = new ArrayList<>();
        for (int i = 1; i <= primaries; i++) {
            String name = "p" + i;
            List<VolumeConfig> vcs = new ArrayList<>();
            for (int j = 0; j < volumes; j++) {
                vcs.add(new VolumeConfig("vol" + j, dir.resolve(name + "-vol" + j), (64L << 20) * (j + 1),
                        j % 2 == 0 ? MirrorMode.SYNC : MirrorMode.ASYNC));
                vols.add(new VolumeSnapshot(name, "vol" + j, (64L << 20) * (j + 1), j % 2 == 0 ? MirrorMode.SYNC : MirrorMode.ASYNC,
                        i == 2 && j == 1 ? MirrorState.SYNCING : MirrorState.IN_SYNC, i == 2 && j == 1 ? 42.5 : 100,
                        1000L * i + j, 10L * i, new LatencySummary(100, 150, 900 + i, 2000, 3000)));
            }
            ps.add(new PrimaryConfig(name, "127.0.1." + i, 10809, new Endpoint("127.0.1." + i, 7800), dir.resolve("state/" + name), vcs));
            List<PathSnapshot> paths = List.of(
                    new PathSnapshot(name, "link", PathKind.REPLICATION_LINK, PathState.UP, Duration.ofMillis(120), T0, 500, 1, 0, 0),
                    new PathSnapshot(name, "production", PathKind.PRODUCTION, i == 3 ? PathState.DOWN : PathState.UP,
                            Duration.ofMillis(i == 3 ? 5000 : 80), T0, 400, 0, 2, 0));
            FailoverTimeline last = null;
            PrimaryState st = i == 3 ? PrimaryState.DEGRADED : PrimaryState.PROTECTED;
            states.add(new PrimarySnapshot(name, st, "test", T0, paths, last));
        }
        SnmpSecrets snmp = new SnmpSecrets(COMMUNITY, List.of(new SnmpUser(OPS, OPS_AUTH, OPS_PRIV, true),
                new SnmpUser(MONITOR, MONITOR_AUTH, MONITOR_PRIV, false)));
        Secrets secrets = new Secrets(dir.resolve("secrets.yaml"), new byte[32], "token-token-token", snmp);
        this.config = new ClusterConfig(dir.resolve("cluster.yaml"), "synthetic", standby, ps, secrets,
                new SnmpConfig(Map.of("standby", new Endpoint("127.0.0.1", agentPort)), targets, Map.of("standby", system)));
        FailoverTimeline lastFo = new FailoverTimeline("p1", "switchover", "operator asked", T0, List.of(), Duration.ofMillis(2345), true);
        snapshot.set(new ClusterSnapshot("synthetic", new NodeSnapshot("standby", Role.STANDBY, "1.2.3", 42, T0), states, vols,
                List.of(), List.of(), List.of(), new FailoverSummary(true, 0, 1, lastFo), T0));
    }

    /** Every refused authentication the face reported. */
    final List<org.understudy.security.AuthFailure> authFailures = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The face context the daemon would give the standby; the snapshot carries the registry's live alarms. */
    FaceContext context() {
        CommandApi api = new CommandApi("standby", (actor, c) -> {
            commands.add(c);
            CommandResult r = handler.get().handle(actor, c);
            if (r.ok() && c instanceof Command.SetThrottle t && t.primary() != null) {
                capsConfirmed(t); // as the real standby does once the primary applied the cap
            }
            return r;
        }, (Actor actor, Command c, CommandResult r) -> audit.add(actor.name() + " via " + actor.face() + " " + c.name() + " "
                + c.target() + " " + r.status()));
        return new FaceContext(config, config.standby(), () -> withAlarms(snapshot.get()), alarms, events, api, stateDir,
                authFailures::add);
    }

    private void capsConfirmed(Command.SetThrottle t) {
        snapshot.updateAndGet(s -> new ClusterSnapshot(s.cluster(), s.node(), s.primaries().stream()
                .map(p -> !p.name().equals(t.primary()) ? p : p.withCaps(t.traffic() == Command.Traffic.MIRROR
                        ? p.caps().withMirror(t.bytesPerSecond()) : p.caps().withResync(t.bytesPerSecond())))
                .toList(), s.volumes(), s.links(), s.paths(), s.alarms(), s.failover(), s.takenAt(), s.snapshots(),
                s.snapshotSpace()));
    }

    /** The standby's snapshots of the primaries' replicas from now on. */
    void snapshots(List<org.understudy.model.SnapshotEntry> entries, List<org.understudy.model.SnapshotSpace> space) {
        snapshot.updateAndGet(s -> new ClusterSnapshot(s.cluster(), s.node(), s.primaries(), s.volumes(), s.links(),
                s.paths(), s.alarms(), s.failover(), s.takenAt(), entries, space));
    }

    private ClusterSnapshot withAlarms(ClusterSnapshot s) {
        return new ClusterSnapshot(s.cluster(), s.node(), s.primaries(), s.volumes(), s.links(), s.paths(), alarms.active(),
                s.failover(), s.takenAt(), s.snapshots(), s.snapshotSpace());
    }

    static AuditSink noAudit() {
        return AuditSink.LOG_ONLY;
    }
}
