package org.understudy.standby;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;
import org.understudy.command.CommandHandler;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.config.HaConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.Rates;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.failover.AutoSwitchStore;
import org.understudy.failover.FailoverEngine;
import org.understudy.failover.FailoverPolicy;
import org.understudy.failover.TakeoverTarget;
import org.understudy.health.HealthDetector;
import org.understudy.health.HeartbeatCodec;
import org.understudy.health.HeartbeatReceiver;
import org.understudy.health.HeartbeatSender;
import org.understudy.health.NbdProbe;
import org.understudy.health.PathConfig;
import org.understudy.health.StallWatch;
import org.understudy.model.AlarmKind;
import org.understudy.model.BandwidthCaps;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.DetectionSettings;
import org.understudy.model.FailoverSummary;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.MirrorState;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.Role;
import org.understudy.model.StateModel;
import org.understudy.replica.FenceStore;
import org.understudy.replica.LinkActivity;
import org.understudy.replica.Replica;
import org.understudy.replica.ReplicaOptions;
import org.understudy.replica.ReplicaServer;
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.transport.ExecutorScheduler;
import org.understudy.utility.Rehearsal;
import org.understudy.utility.SnapshotSchedules;
import org.understudy.utility.SnapshotService;
import org.understudy.transport.UdpTransport;
import org.understudy.daemon.NodeEngine;
import org.understudy.daemon.NodeIdentity;
import org.understudy.daemon.NodeServices;

/**
 * The standby: holds a replica of every primary volume and accepts every primary's replication links; watches every
 * primary on two paths (any frame on its replication links, UDP heartbeats on the production network) with an NBD
 * handshake as the confirming probe; its failover engine takes over a failed primary through {@link StandbySteps}
 * and keeps accepting the other primaries' links meanwhile.
 */
final class StandbyNode implements NodeEngine {
    private static final Logger LOG = LogManager.getLogger(StandbyNode.class);

    private final ClusterConfig cluster;
    private final StandbyConfig self;
    private final NodeIdentity identity;
    private final NodeServices services;
    private final ExecutorScheduler scheduler;
    private StallWatch stallWatch;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Boolean> reportedConsistent = new ConcurrentHashMap<>();
    private final CompletionWaiters waiters = new CompletionWaiters();
    private final CapsView caps;
    private final VerifyView verifies = new VerifyView();
    private final java.util.concurrent.atomic.AtomicBoolean refreshingCaps = new java.util.concurrent.atomic.AtomicBoolean();
    /** How often the standby reads each primary's caps from its status. */
    static final Duration CAPS_REFRESH = Duration.ofSeconds(5);
    private final Map<String, AdminClient> capsClients = new ConcurrentHashMap<>();
    private volatile ReplicaServer replicas;
    private volatile SnapshotService snapshots;
    private Rehearsal rehearsal;
    /** How often schedules, retention and expiry of snapshots are looked at. */
    static final Duration SNAPSHOT_HOUSEKEEPING = Duration.ofSeconds(5);
    private final java.util.concurrent.atomic.AtomicBoolean housekeeping = new java.util.concurrent.atomic.AtomicBoolean();
    private FailoverEngine engine;
    private HealthDetector detector;
    private volatile StandbySteps steps;
    private UdpTransport udp;
    private volatile HeartbeatReceiver receiver;
    private HeartbeatSender sender;

    StandbyNode(ClusterConfig cluster, StandbyConfig self, NodeServices services) {
        this.cluster = cluster;
        this.services = services;
        this.self = self;
        this.identity = NodeIdentity.of(self.name(), Role.STANDBY);
        this.scheduler = new ExecutorScheduler("understudy-health-" + self.name());
        this.caps = new CapsView(new BandwidthCaps(cluster.mirror().mirrorRate(),
                cluster.mirror().resyncRate()));
    }

    @Override
    public void start() throws Exception {
        HaConfig ha = cluster.ha();
        HaConfig.Failover f = ha.failover();
        // the operator's last autoswitch command outlives a restart; the cluster file only gives the default
        AutoSwitchStore autoSwitch = new AutoSwitchStore(self.stateDir(), InstantSource.system());
        AutoSwitchStore.Start auto = autoSwitch.resolve(f.auto());
        FailoverPolicy policy = new FailoverPolicy(auto.autoFailover(), f.maxStandIns(), f.abortOnFencingFailure());
        // the detector needs the engine as listener, the replica server needs the detector and the steps need both
        StandbySteps[] stepsRef = new StandbySteps[1];
        FailoverEngine.Actions actions = new FailoverEngine.Actions(new LazySteps(() -> stepsRef[0]),
                new LazySteps(() -> stepsRef[0]), new LazySteps(() -> stepsRef[0]));
        engine = new FailoverEngine(self.name(), System::nanoTime, InstantSource.system(), workers, policy,
                auto.origin(), autoSwitch, actions, services.alarms(), this::publish);
        Duration tick = cluster.primaries().stream().map(p -> ha.health(p.name()).interval())
                .min(Comparator.naturalOrder()).orElse(HaConfig.Health.DEFAULTS.interval());
        detector = new HealthDetector(self.name(), System::nanoTime, InstantSource.system(), scheduler, workers,
                new HealthDetector.Settings(tick, 2.0, Duration.ofSeconds(2)), engine);
        // a tick late because the health thread ran the engine's work is no pause of the process: only a stall seen
        // from a thread of its own drops the silence and a fast-path episode
        stallWatch = StallWatch.start(self.name(), tick.toNanos() / 5);
        detector.pauseWitness(stallWatch);
        HealthDetector d = detector;
        FailoverEngine e = engine;
        replicas = ReplicaServer.start(cluster, ReplicaOptions.defaults(), new LinkActivity() {
            @Override
            public void heard(String primary) {
                d.heardOn(primary, PathConfig.LINK);
            }

            @Override
            public void closedByPeer(String primary, String volume, String how) {
                d.closedByPeer(primary, PathConfig.LINK, how + " on " + primary + "/" + volume);
            }

            @Override
            public void authenticationRefused(String source, String claimedPrimary, String reason) {
                services.authFailures().record(new AuthFailure(AuthFace.REPLICATION, source, claimedPrimary, reason));
            }

            @Override
            public void storageFailed(String primary, String volume, String reason) {
                services.alarms().raise(AlarmKind.STORAGE_ERROR, primary + "/" + volume, "replica " + primary + "/"
                        + volume + " cannot be written on the standby: " + reason + "; " + primary
                        + " keeps serving, the regions stay dirty there until a resync completes");
            }

            @Override
            public void storageRestored(String primary, String volume) {
                services.alarms().clear(AlarmKind.STORAGE_ERROR, primary + "/" + volume,
                        "a resync completed: the replica takes writes again");
            }

            @Override
            public void staleEpoch(String primary, String volume, long primaryEpoch, long replicaEpoch) {
                try {
                    e.staleEpoch(primary, volume, primaryEpoch, replicaEpoch);
                } catch (RuntimeException ex) {
                    LOG.error("{}: stale-epoch refusal of {}/{} not handled: {}", self.name(), primary, volume,
                            ex.toString());
                }
            }
        }, store -> snapshots = new SnapshotService(cluster, store, p -> replicas.linkCount(p),
                p -> steps != null && steps.serving().contains(p), new AdminCutRequester(cluster, self.name()),
                InstantSource.system(), System::nanoTime, this::publish, services.alarms()));
        steps = new StandbySteps(cluster, replicas);
        stepsRef[0] = steps;

        HeartbeatCodec codec = new HeartbeatCodec(cluster.secrets().clusterKey());
        udp = new UdpTransport(self.name() + "-heartbeats", new InetSocketAddress(self.address(),
                ha.health().heartbeatPort()));
        receiver = new HeartbeatReceiver(self.name(), PathConfig.PRODUCTION, udp, codec, detector,
                services.authFailures());
        sender = new HeartbeatSender(self.name(), codec, scheduler, InstantSource.system());
        for (PrimaryConfig p : cluster.primaries()) {
            HaConfig.Health h = ha.health(p.name());
            PathConfig link = PathConfig.link(h.interval(), h.timeout());
            PathConfig production = PathConfig.production(h.interval(), h.timeout());
            List<String> exports = p.volumes().stream().map(VolumeConfig::name).toList();
            detector.watch(p.name(), List.of(link, production), new NbdProbe(
                    new InetSocketAddress(p.address(), p.nbdPort()), exports, h.probeTimeout(), System::nanoTime),
                    h.processDeadGrace(), h.startupGrace());
            sender.addTarget(production, udp, new InetSocketAddress(p.address(), h.heartbeatPort()));
            addToEngine(p);
        }
        scheduler.scheduleAtFixedRate(this::reportReplicas, tick.toNanos());
        rehearsal = new Rehearsal(cluster, snapshots, steps::identity, self.stateDir().resolve("rehearsal"),
                System::nanoTime, InstantSource.system(), this::publish);
        rehearsal.cleanUpInterrupted();
        snapshots.startExports(new InetSocketAddress(self.address(), cluster.snapshots().port()));
        SnapshotSchedules schedules = new SnapshotSchedules(snapshots);
        // off the health scheduler's thread: a cut waits for the primary and its markers
        scheduler.scheduleAtFixedRate(() -> workers.execute(() -> housekeeping(schedules)),
                SNAPSHOT_HOUSEKEEPING.toNanos());
        // off the health scheduler's thread: a slow or dead primary's admin API must never delay a tick
        scheduler.scheduleAtFixedRate(() -> workers.execute(this::refreshCaps), CAPS_REFRESH.toNanos());
        detector.start();
        sender.start();
        sender.sendAll();
        LOG.info("{}: holding replicas of {} primaries in {}, replication links on {}, heartbeats on {}:{}; "
                        + "automatic failover {} (from {}), at most {} stand-in(s)", self.name(),
                cluster.primaries().size(), self.replicaDir(), self.replication(), self.address(),
                ha.health().heartbeatPort(), auto.autoFailover() ? "on" : "off (vault mode)", auto.origin(),
                f.maxStandIns());
    }

    /**
     * Reads each primary's caps and its volumes' last verify from its own status, so that a cap set directly at a
     * primary (its CLI, SNMP or JMX) and a verify run there show on the standby too. A primary that does not answer
     * keeps the last seen.
     */
    private void refreshCaps() {
        if (!refreshingCaps.compareAndSet(false, true)) {
            return;
        }
        try {
            for (PrimaryConfig p : cluster.primaries()) {
                JsonNode status;
                try {
                    status = capsClient(p.name()).getJson("/api/status");
                } catch (AdminClientException | ConfigException e) {
                    continue;
                }
                verifies.observed(p.name(), status.path("volumes"));
                JsonNode own = status.path("primaries").path(0);
                JsonNode c = own.path("caps");
                if (!own.path("name").asText().equals(p.name()) || !c.path("mirror").canConvertToLong()
                        || !c.path("resync").canConvertToLong()) {
                    continue;
                }
                BandwidthCaps seen = new BandwidthCaps(c.path("mirror").asLong(), c.path("resync").asLong());
                if (caps.observed(p.name(), seen)) {
                    LOG.info("{}: caps of {} are now mirror {}, resync {} (from its status)", self.name(), p.name(),
                            Rates.format(seen.mirror()), Rates.format(seen.resync()));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: reading the primaries' caps failed: {}", self.name(), e.toString());
        } finally {
            refreshingCaps.set(false);
        }
    }

    /** One admin client per primary for the caps refresh: each client keeps a selector thread while it lives. */
    private AdminClient capsClient(String primary) throws ConfigException {
        AdminClient c = capsClients.get(primary);
        if (c == null) {
            c = AdminClient.forNode(cluster, primary);
            capsClients.put(primary, c);
        }
        return c;
    }

    private void addToEngine(PrimaryConfig p) {
        List<String> vols = p.volumes().stream().map(VolumeConfig::name).toList();
        TakeoverTarget target = new TakeoverTarget(p.name(), p.address(), p.nbdPort(), vols,
                vols.stream().map(v -> Replica.imagePath(self, p.name(), v)).toList());
        FenceStore.Fence fence = replicas.fences().fence(p.name()).orElse(null);
        if (fence != null && fence.fenced() && fence.standingIn()) {
            // the replicas hold writes the primary never saw: serve them again at its address, keep the fence
            var r = steps.resumeStandingIn(target);
            if (r.ok()) {
                engine.addPrimary(target, PrimaryState.STANDING_IN, true, "standing in again after a standby "
                        + "restart (fenced at epoch " + fence.epoch() + "): " + r.detail());
            } else {
                engine.addPrimary(target, PrimaryState.FENCED, true, "stood in for it before the standby restarted "
                        + "but cannot serve it again (" + r.detail() + "); its replicas hold writes it never saw");
            }
        } else if (fence != null && fence.fenced()) {
            engine.addPrimary(target, PrimaryState.FENCED, true, "fenced at epoch " + fence.epoch() + " since "
                    + fence.since() + " (" + fence.reason() + "), recovered at standby start");
        } else {
            engine.addPrimary(target);
        }
    }

    private void housekeeping(SnapshotSchedules schedules) {
        if (housekeeping.compareAndSet(false, true)) {
            try {
                schedules.tick();
            } finally {
                housekeeping.set(false);
            }
        }
    }

    /**
     * Tells the engine when a primary's replicas become (in)consistent: all in sync or merely cut off, none syncing.
     * Runs every health tick, so it reads only the replicas' states, not their snapshots (every replica's figures and
     * identity, four times a second).
     */
    private void reportReplicas() {
        Map<String, Boolean> byPrimary = new java.util.LinkedHashMap<>();
        replicas.forEachState((primary, volume, state) -> byPrimary.merge(primary,
                state == MirrorState.IN_SYNC || state == MirrorState.DEGRADED, Boolean::logicalAnd));
        byPrimary.forEach((primary, consistent) -> {
            // also when the engine's view differs: a fence-clear forgets consistency, and a resync too quick for
            // this tick to see it would otherwise leave the primary SYNCING for good
            if (!Objects.equals(reportedConsistent.put(primary, consistent), consistent)
                    || engine.replicasConsistent(primary) != consistent) {
                List<String> detail = new ArrayList<>();
                replicas.forEachState((p, volume, state) -> {
                    if (p.equals(primary)) {
                        detail.add(volume + " " + state);
                    }
                });
                engine.replicaStatus(primary, consistent, detail.toString());
            }
        });
    }

    /** The figures {@code primary}'s failure is detected with, as configured. */
    private DetectionSettings detection(String primary) {
        HaConfig.Health h = cluster.ha().health(primary);
        return new DetectionSettings(h.interval(), h.timeout(), h.probeTimeout(), h.processDeadGrace());
    }

    private void publish(ModelEvent e) {
        services.events().publish(e);
        waiters.accept(e);
    }

    @Override
    public StateModel model() {
        return () -> {
            List<PrimarySnapshot> primaries = engine.snapshot(detector::paths).stream()
                    .map(p -> p.withCaps(caps.of(p.name())).withDetection(detection(p.name()))).toList();
            FailoverTimeline last = primaries.stream().map(PrimarySnapshot::lastFailover).filter(Objects::nonNull)
                    .max(Comparator.comparing(FailoverTimeline::startedAt)).orElse(null);
            FailoverSummary summary = new FailoverSummary(engine.policy().autoFailover(),
                    (int) primaries.stream().filter(p -> p.state() == PrimaryState.STANDING_IN
                            || p.state() == PrimaryState.FAILING_OVER || p.state() == PrimaryState.FAILING_BACK).count(),
                    engine.policy().maxStandIns(), last, engine.autoFailoverOrigin());
            HeartbeatReceiver r = receiver;
            return new ClusterSnapshot(cluster.name(), identity.snapshot().withHeartbeats(r == null ? null : r.totals()),
                    primaries, verifies.apply(replicas.snapshots()),
                    replicas.links(), List.of(), services.alarms().active(), summary, Instant.now(),
                    snapshots.entries(), snapshots.space());
        };
    }

    @Override
    public CommandHandler commands() {
        return new StandbyCommands(self.name(), engine.commands(), waiters,
                cluster.primaries().stream().map(org.understudy.config.PrimaryConfig::name).toList(),
                PrimaryForwarder.overAdminApi(self.name(), cluster), caps, new UtilityCommands(snapshots, rehearsal));
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.stop();
        }
        if (detector != null) {
            detector.stop();
        }
        if (stallWatch != null) {
            stallWatch.close();
        }
        scheduler.close();
        if (udp != null) {
            udp.close();
        }
        if (snapshots != null) {
            snapshots.close();
        }
        if (steps != null) {
            steps.closeAll();
        }
        if (replicas != null) {
            try {
                replicas.close();
            } catch (IOException e) {
                LOG.warn("{}: closing the replica store: {}", self.name(), e.toString());
            }
        }
        workers.shutdownNow();
    }
}
