package org.understudy.primary;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.admin.AdminServer;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.command.CommandHandler;
import org.understudy.config.ClusterConfig;
import org.understudy.config.HaConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.health.HealthDetector;
import org.understudy.health.HeartbeatCodec;
import org.understudy.health.HeartbeatReceiver;
import org.understudy.health.HeartbeatSender;
import org.understudy.health.PathConfig;
import org.understudy.health.StandbyWatch;
import org.understudy.mirror.CutGate;
import org.understudy.mirror.MirrorContext;
import org.understudy.mirror.MirrorOptions;
import org.understudy.mirror.MirroredVolume;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.MirrorState;
import org.understudy.model.LifecycleSnapshot;
import org.understudy.model.PrimaryLifecycle;
import org.understudy.model.Role;
import org.understudy.model.StateModel;
import org.understudy.nbd.NbdExports;
import org.understudy.nbd.NbdServer;
import org.understudy.resync.Throttles;
import org.understudy.storage.BlockDevice;
import org.understudy.transport.ExecutorScheduler;
import org.understudy.transport.UdpTransport;
import org.understudy.daemon.NodeEngine;
import org.understudy.daemon.NodeIdentity;
import org.understudy.daemon.NodeServices;
import org.understudy.mirror.ServedDevice;
import org.understudy.mirror.SyncMemory;

/**
 * A primary: each volume mirrored to the standby and served as an NBD export on the node's service address. It
 * heartbeats to the standby (UDP, and KEEPALIVE frames on idle replication links) and watches it back, raising
 * "standby lost" while it keeps serving. It never serves while fenced: a standby that refuses its link as fenced, or
 * its own fence marker from an earlier handover, keeps the exports closed until the standby returns the role.
 * Thread-safe: serving changes are serialised on the node.
 */
final class PrimaryNode implements NodeEngine {
    private static final Logger LOG = LogManager.getLogger(PrimaryNode.class);
    /** How long a starting primary waits for the standby's first word before serving without it. */
    private static final long FIRST_CONTACT_MILLIS = 6000;
    private static final long DRAIN_WAIT_MILLIS = 10_000;

    private final ClusterConfig cluster;
    private final PrimaryConfig self;
    private final NodeIdentity identity;
    private final Throttles throttles = Throttles.unlimited();
    private final NodeServices services;
    private final Map<String, MirroredVolume> volumes = new LinkedHashMap<>();
    private final Map<String, ServedDevice> served = new LinkedHashMap<>();
    private LinkLife linkLife;
    private final PrimaryFence fenceFile;
    private final AlarmRegistry alarms;
    private final ExecutorScheduler scheduler;
    private final Lifecycle lifecycle;
    private final CutGate cuts = new CutGate(System::nanoTime);
    private final SyncMemory syncMemory = SyncMemory.collecting();
    private NbdServer nbd;
    private volatile FailbackCopy copy;
    private volatile StandbyWatch watch;
    private UdpTransport udp;
    private volatile HeartbeatReceiver receiver;
    private HeartbeatSender sender;

    PrimaryNode(ClusterConfig cluster, PrimaryConfig self, NodeServices services) {
        this.cluster = cluster;
        this.services = services;
        this.self = self;
        this.identity = NodeIdentity.of(self.name(), Role.PRIMARY);
        this.fenceFile = new PrimaryFence(self.stateDir());
        this.alarms = services.alarms();
        this.scheduler = new ExecutorScheduler("understudy-health-" + self.name());
        this.lifecycle = new Lifecycle(self.name(), InstantSource.system(), services.events()::publish);
    }

    @Override
    public void start() throws IOException {
        PrimaryFence.State fenced = fenceFile.read().orElse(null);
        throttles.mirroring().setGlobalRate(cluster.mirror().mirrorRate());
        throttles.resync().setGlobalRate(cluster.mirror().resyncRate());
        // 4 MiB chunks, 8 in flight: well beyond the standby's 8 MiB acknowledgement batch, so a resync never stalls
        // waiting for an ACK the standby holds back until its input runs dry
        MirrorOptions options = MirrorOptions.defaults();
        options = options.withSync(4 << 20, 8);
        if (self.replicationTarget() != null) {
            options = options.withStandby(self.replicationTarget());
        }
        for (VolumeConfig v : self.volumes()) {
            MirroredVolume mv = MirroredVolume.open(cluster, self, v, options,
                    new MirrorContext(throttles, services.alarms(), services.events(), cuts, syncMemory));
            mv.onRefused(this::refusedByStandby);
            volumes.put(v.name(), mv);
            served.put(v.name(), ServedDevice.counting(mv));
        }
        startHealth();
        if (fenced != null) {
            LOG.error("{}: FENCED since {} ({}); NOT serving {} until the standby returns the role (failback) or "
                    + "an operator clears the fence", self.name(), fenced.since(), fenced.reason(), volumes.keySet());
            lifecycle.transition(PrimaryLifecycle.FENCED, "fenced since " + fenced.since() + ": " + fenced.reason());
            alarms.raise(AlarmKind.FENCED, self.name(), AlarmSeverity.MAJOR, "fenced: " + fenced.reason());
            return;
        }
        awaitFirstContact();
        synchronized (this) {
            if (lifecycle.state() == PrimaryLifecycle.STARTING) {
                serve("started");
            }
        }
    }

    /** Waits (bounded) for each volume's first link attempt, so a standby that refuses us as fenced is heard first. */
    private void awaitFirstContact() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FIRST_CONTACT_MILLIS);
        for (MirroredVolume v : volumes.values()) {
            try {
                v.firstAttempt().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("{}: no answer from standby {} for {} within {} ms; serving anyway (standby lost)",
                        self.name(), cluster.standby().name(), v.describe(), FIRST_CONTACT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("{}: first link attempt of {} failed: {}", self.name(), v.describe(), e.getCause().toString());
            }
        }
    }

    private void startHealth() throws IOException {
        HaConfig.Health h = cluster.ha().health(self.name());
        String standby = cluster.standby().name();
        PathConfig link = PathConfig.link(h.interval(), h.timeout());
        PathConfig production = PathConfig.production(h.interval(), h.timeout());
        watch = new StandbyWatch(self.name(), standby, List.of(link, production), InstantSource.system(), alarms,
                services.events(), listener -> new HealthDetector(self.name(), System::nanoTime,
                InstantSource.system(), scheduler, Runnable::run, new HealthDetector.Settings(h.interval(), 2.0,
                Duration.ofSeconds(2)), listener));
        HeartbeatCodec codec = new HeartbeatCodec(cluster.secrets().clusterKey());
        udp = new UdpTransport(self.name() + "-heartbeats", new InetSocketAddress(self.address(), h.heartbeatPort()));
        receiver = new HeartbeatReceiver(self.name(), PathConfig.PRODUCTION, udp, codec, watch.detector(),
                services.authFailures());
        sender = new HeartbeatSender(self.name(), codec, scheduler, InstantSource.system());
        sender.addTarget(production, udp, new InetSocketAddress(cluster.standby().address(),
                cluster.ha().health().heartbeatPort()));
        linkLife = new LinkLife(LinkLife.every(h.interval(), h.timeout()));
        scheduler.scheduleAtFixedRate(() -> linkLife.tick(volumes,
                () -> watch.detector().heardOn(standby, PathConfig.LINK)), h.interval().toNanos());
        watch.detector().start();
        sender.start();
        sender.sendAll();
    }

    // ---- serving and fencing -------------------------------------------------------------------------------------

    private void serve(String why) throws IOException {
        NbdExports exports = new NbdExports() {
            @Override
            public Optional<BlockDevice> lookup(String name) {
                return Optional.ofNullable(served.get(name));
            }

            @Override
            public List<String> names() {
                return List.copyOf(served.keySet());
            }
        };
        nbd = NbdServer.start(new InetSocketAddress(self.address(), self.nbdPort()), exports,
                NbdServer.Limits.DEFAULT.withMaxConnections(self.nbdMaxConnections()));
        lifecycle.transition(PrimaryLifecycle.SERVING, why);
        LOG.info("{}: serving {} volume(s) {} over NBD on {}:{} ({}), mirroring to {} at {}", self.name(),
                volumes.size(), volumes.keySet(), self.address(), self.nbdPort(), why, cluster.standby().name(),
                cluster.standby().replication());
    }

    private void stopServing() {
        if (nbd != null) {
            // closes every connection without NBD_ESHUTDOWN: reconnecting clients carry on against the standby
            nbd.close();
            nbd = null;
        }
    }

    /**
     * The standby refused a link of ours; when it says we are fenced (by name, or because our identity's epoch is
     * older than the replica's) we stop serving at once and stay fenced; decided by {@link StandbyRefusal}.
     */
    private void refusedByStandby(String reason) {
        long ours = volumes.values().stream().mapToLong(MirroredVolume::epoch).min().orElse(0);
        switch (StandbyRefusal.decide(reason, ours)) {
            case StandbyRefusal.Fence f -> fence(f.cause());
            case StandbyRefusal.Stale st -> LOG.info("{}: stale refusal ignored: {}", self.name(), st.why());
            case StandbyRefusal.Other o -> {
                // not about fencing: the volume logs and retries it
            }
        }
    }

    /**
     * The standby says (over the admin API, with the node credential) that it raised our epoch to {@code epoch}:
     * fence now, exports closed, rather than when a link is refused. Decided like a refused link.
     */
    synchronized Map<String, Object> fencedByStandby(long epoch, String reason, String by) {
        long ours = volumes.values().stream().mapToLong(MirroredVolume::epoch).min().orElse(0);
        int connections = nbd == null ? 0 : nbd.connectionCount();
        if (StandbyRefusal.decide("fenced at epoch " + epoch + " (told by " + by + "): " + reason, ours)
                instanceof StandbyRefusal.Fence f) {
            fence(f.cause());
            return Map.of("ok", true, "serving", false, "message", self.name() + " fenced at epoch " + epoch
                    + ": NBD exports on " + self.address() + ":" + self.nbdPort() + " closed (" + connections
                    + " connection(s))");
        }
        boolean serving = lifecycle.state() == PrimaryLifecycle.SERVING;
        LOG.warn("{}: told by {} that it is fenced at epoch {}, but it holds epoch {}: not fenced by it ({})",
                self.name(), by, epoch, ours, lifecycle.state());
        return Map.of("ok", false, "serving", serving, "message", self.name() + " holds epoch " + ours
                + ", not older than " + epoch + "; " + (serving ? "still serving" : lifecycle.state()));
    }

    synchronized void fence(String reason) {
        if (lifecycle.fenced() || lifecycle.state() == PrimaryLifecycle.STOPPED) {
            return;
        }
        PrimaryFence.State s = new PrimaryFence.State(reason, Instant.now());
        try {
            fenceFile.write(s);
        } catch (IOException e) {
            LOG.error("{}: cannot record the fence in {}: {}; fenced in memory only", self.name(), self.stateDir(),
                    e.toString());
        }
        int connections = nbd == null ? 0 : nbd.connectionCount();
        stopServing();
        lifecycle.transition(PrimaryLifecycle.FENCED, reason);
        LOG.error("{}: FENCED: {}; closed the NBD exports ({} connection(s)); NOT serving until the standby returns "
                + "the role", self.name(), reason, connections);
        alarms.raise(AlarmKind.FENCED, self.name(), AlarmSeverity.MAJOR, "fenced: " + reason);
    }

    /**
     * Serves again on the standby's word (failback, stopped switchover, cleared fence). {@code epoch} &gt; 0 is the
     * standby's fencing epoch for this primary: every volume's identity takes it durably first (even when already
     * serving), since the replicas refuse links at an older epoch. If one cannot be saved the primary stays fenced.
     */
    synchronized Map<String, Object> resume(String reason, long epoch) throws IOException {
        if (epoch < 0) {
            return Map.of("ok", false, "message", "negative epoch " + epoch + " refused");
        }
        String adopted = "";
        if (epoch > 0) {
            for (MirroredVolume v : volumes.values()) {
                try {
                    long before = v.epoch();
                    long now = v.adoptEpoch(epoch);
                    LOG.info("{}: {} takes fencing epoch {} from the standby (was {}, now {})", self.name(),
                            v.describe(), epoch, before, now);
                } catch (IOException e) {
                    LOG.error("{}: cannot save fencing epoch {} for {}: {}; staying as is ({})", self.name(), epoch,
                            v.describe(), e.toString(), lifecycle.state());
                    return Map.of("ok", false, "message", "cannot save epoch " + epoch + " for " + v.describe()
                            + ": " + e.getMessage());
                }
            }
            adopted = "; every volume at epoch " + epoch;
        }
        if (lifecycle.state() == PrimaryLifecycle.SERVING) {
            volumes.values().forEach(MirroredVolume::reconnectNow);
            return Map.of("ok", true, "message", "already serving" + adopted);
        }
        if (lifecycle.state() == PrimaryLifecycle.STARTING) {
            return Map.of("ok", true, "message", self.name() + " is starting and serves once the standby has "
                    + "answered" + adopted);
        }
        if (!lifecycle.fenced()) {
            return Map.of("ok", false, "message", self.name() + " is " + lifecycle.state() + ", not fenced; not "
                    + "resuming" + adopted);
        }
        fenceFile.remove();
        alarms.clear(AlarmKind.FENCED, self.name(), "role returned: " + reason);
        serve(reason);
        // the standby accepts us again: no need to wait out a back-off that grew while it refused us
        volumes.values().forEach(MirroredVolume::reconnectNow);
        LOG.warn("{}: fence lifted and serving again: {}{}", self.name(), reason, adopted);
        return Map.of("ok", true, "message", "serving " + volumes.keySet() + " on " + self.address() + ":"
                + self.nbdPort() + adopted);
    }

    /**
     * Planned switchover: no new writes (the NBD server closes, its connections closed without ESHUTDOWN), those in
     * flight finish and are acknowledged by the standby, a final FLUSH acknowledged by the standby proves it holds
     * every acknowledged write; then this primary is fenced. If a volume cannot be flushed through, it serves again.
     */
    synchronized Map<String, Object> drain() throws IOException, InterruptedException {
        if (lifecycle.state() != PrimaryLifecycle.SERVING) {
            LifecycleSnapshot l = lifecycle.snapshot();
            return Map.of("ok", false, "message", self.name() + " is " + l.state() + " (" + l.cause()
                    + "), not serving: nothing to drain");
        }
        long t0 = System.nanoTime();
        stopServing();
        lifecycle.transition(PrimaryLifecycle.DRAINING, "planned switchover: exports closed, finishing the writes "
                + "in flight");
        List<Map<String, Object>> report = new ArrayList<>();
        boolean ok = true;
        String problem = null;
        for (Map.Entry<String, ServedDevice> e : served.entrySet()) {
            boolean idle = e.getValue().awaitIdle(DRAIN_WAIT_MILLIS);
            MirroredVolume v = volumes.get(e.getKey());
            boolean acked = idle && v.flushReplicated();
            MirrorState state = v.state();
            report.add(Map.of("name", e.getKey(), "flushAcked", acked, "state", state.name()));
            if (!idle || !acked || state != MirrorState.IN_SYNC) {
                ok = false;
                problem = e.getKey() + (idle ? "" : " still had requests in flight") + " mirror " + state
                        + (acked ? "" : ", final flush not acknowledged by the standby");
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!ok) {
            LOG.error("{}: drain for switchover failed after {} ms: {}; serving again", self.name(),
                    String.format("%.1f", ms), problem);
            serve("switchover drain failed");
            return Map.of("ok", false, "message", "drain failed: " + problem, "volumes", report);
        }
        fence("handed over to the standby by a planned switchover");
        String msg = String.format("%s drained in %.1f ms: exports closed, every write acknowledged by the standby",
                self.name(), ms);
        LOG.warn("{}: {}", self.name(), msg);
        return Map.of("ok", true, "message", msg, "volumes", report);
    }

    /**
     * Failback: starts copying ranges of the standby's replicas (its NBD copy source) into the local volumes, in the
     * background ({@link FailbackCopy}); fenced only, one copy at a time.
     */
    synchronized Map<String, Object> copyFrom(JsonNode body) throws IOException {
        if (!lifecycle.fenced()) {
            return Map.of("ok", false, "message", self.name() + " is " + lifecycle.state()
                    + "; copying over it would lose writes");
        }
        if (copy != null && copy.running()) {
            return Map.of("ok", false, "message", "a failback copy is already running on " + self.name());
        }
        return switch (FailbackCopy.prepare(self.name(), body, volumes, throttles.resync().link(self.name()))) {
            case FailbackCopy.Refused r -> {
                LOG.error("{}: failback copy refused: {}", self.name(), r.reason());
                yield Map.of("ok", false, "message", r.reason());
            }
            case FailbackCopy.Accepted a -> {
                copy = a.copy();
                lifecycle.transition(PrimaryLifecycle.COPYING_BACK, "failback copy: " + copy.plan());
                copy.start(this::copyEnded);
                LOG.warn("{}: failback copy started: {}", self.name(), copy.plan());
                yield Map.of("ok", true, "message", "copy started: " + copy.plan());
            }
        };
    }

    /** The failback copy ended; the node stays fenced until the standby returns the role. */
    private void copyEnded(boolean ok, String outcome) {
        lifecycle.transitionFrom(PrimaryLifecycle.COPYING_BACK, PrimaryLifecycle.FENCED,
                (ok ? "failback copy done, waiting for the role: " : "failback copy failed: ") + outcome);
    }

    /**
     * The standby asks for a snapshot cut ({@code {"cut": ID, "volumes": [...]}}, every volume when absent): a marker
     * on every volume's link at one point of this primary's write stream. Answers at once; the standby waits for the
     * markers to arrive.
     */
    Map<String, Object> snapshotCut(JsonNode body) {
        long id = body.path("cut").asLong(-1);
        List<String> names = new ArrayList<>();
        body.path("volumes").forEach(n -> names.add(n.asText()));
        if (names.isEmpty()) {
            names.addAll(volumes.keySet());
        }
        if (id < 0) {
            return Map.of("ok", false, "message", "no cut id");
        }
        if (lifecycle.fenced()) {
            return Map.of("ok", false, "message", self.name() + " is fenced: its writes do not reach the replicas");
        }
        try {
            Map<String, Long> seqs = cuts.cut(volumes, names, id);
            return Map.of("ok", true, "message", "cut " + id + " queued on " + seqs.keySet(), "volumes", seqs);
        } catch (CutGate.Refused e) {
            LOG.warn("{}: snapshot cut {} refused: {}", self.name(), id, e.getMessage());
            return Map.of("ok", false, "message", e.getMessage());
        }
    }

    /** Progress of the last failback copy, for the standby's poll. */
    Map<String, Object> copyStatus() {
        FailbackCopy c = copy;
        return c == null ? Map.of("running", false, "ok", false, "message", "no failback copy has run on "
                + self.name()) : c.status();
    }

    /** The devices the NBD exports serve, by volume name: what a client's write goes through (the load harness). */
    Map<String, ServedDevice> servedDevices() {
        return java.util.Collections.unmodifiableMap(served);
    }

    // ---- faces ---------------------------------------------------------------------------------------------------

    @Override
    public void routes(AdminServer admin) {
        PrimaryInternalRoutes.register(admin, this);
    }

    @Override
    public StateModel model() {
        return new PrimaryView(cluster, self.name(), identity, lifecycle, volumes, throttles, services.alarms(),
                () -> watch, () -> receiver);
    }

    @Override
    public CommandHandler commands() {
        return new PrimaryCommands(self.name(), throttles, volumes);
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.stop();
        }
        if (watch != null) {
            watch.detector().stop();
        }
        scheduler.close();
        if (udp != null) {
            udp.close();
        }
        synchronized (this) {
            stopServing();
            if (lifecycle.state() != PrimaryLifecycle.STOPPED) {
                lifecycle.transition(PrimaryLifecycle.STOPPED, "node stopping");
            }
        }
        for (MirroredVolume v : volumes.values()) {
            try {
                v.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: closing volume {}: {}", self.name(), v.describe(), e.toString());
            }
        }
    }
}
