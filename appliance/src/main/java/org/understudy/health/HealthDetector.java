package org.understudy.health;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.PathKind;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.transport.Scheduler;

/**
 * Failure detection for the nodes one process watches (the standby watches every primary; a primary watches the
 * standby). Any valid traffic on a path ({@link #heardOn}) is a sign of life. On every tick each path whose silence
 * exceeds its timeout goes DOWN; a node is suspected only when every path is down, and declared FAILED only when the
 * confirming {@link ServiceProbe} then fails (the double check of JGroups' VERIFY_SUSPECT).
 *
 * <p>Local pauses: if the monotonic clock shows a gap between ticks longer than {@code pauseFactor} ticks, this
 * process was paused (GC, suspended VM) and received nothing meanwhile; the silence of every path is restarted, so a
 * pause alone never fails a node.
 *
 * <p>Thread-safe: {@link #heardOn} is lock-free (it is called per replication frame); ticks and probe results take
 * the detector's lock; events go to the listener after the lock is released.
 */
public final class HealthDetector {
    private static final Logger LOG = LogManager.getLogger(HealthDetector.class);

    /** Tick period and pause threshold. */
    public record Settings(Duration tick, double pauseFactor, Duration probeRetry) {
        public static final Settings DEFAULTS = new Settings(Duration.ofMillis(250), 2.0, Duration.ofSeconds(2));

        public Settings {
            if (tick.isZero() || tick.isNegative() || pauseFactor < 1.5 || probeRetry.isNegative()) {
                throw new IllegalArgumentException("bad detector settings: tick " + tick + ", pause factor "
                        + pauseFactor + ", probe retry " + probeRetry);
            }
        }
    }

    private static final class PathWatch {
        final PathConfig config;
        volatile long lastHeard;
        boolean down;
        long changedAt;
        Instant changedWall;
        final LongAdder valid = new LongAdder();
        final LongAdder replayed = new LongAdder();
        final LongAdder forged = new LongAdder();
        final LongAdder malformed = new LongAdder();

        PathWatch(PathConfig config, long now, Instant wall) {
            this.config = config;
            this.lastHeard = now;
            this.changedAt = now;
            this.changedWall = wall;
        }
    }

    private static final class NodeWatch {
        final String node;
        final Map<String, PathWatch> paths;
        final ServiceProbe probe;
        NodeHealth health = NodeHealth.UP;
        /** Counts suspicion episodes so a late probe result of an earlier one is ignored. */
        long episode;
        long nextProbeAt;

        NodeWatch(String node, Map<String, PathWatch> paths, ServiceProbe probe) {
            this.node = node;
            this.paths = paths;
            this.probe = probe;
        }
    }

    private final String self;
    private final LongSupplier clock;
    private final InstantSource wall;
    private final Scheduler scheduler;
    private final Executor probeExecutor;
    private final HealthListener listener;
    private final Settings settings;
    private final Map<String, NodeWatch> nodes = new ConcurrentHashMap<>();
    private long lastTick;
    private long pauses;
    private Scheduler.Cancellable ticking;

    /**
     * @param self          this node's name, for log prefixes
     * @param clock         monotonic nanoseconds
     * @param probeExecutor where confirming probes run (a direct executor in tests)
     */
    public HealthDetector(String self, LongSupplier clock, InstantSource wall, Scheduler scheduler,
                          Executor probeExecutor, Settings settings, HealthListener listener) {
        this.self = self;
        this.clock = clock;
        this.wall = wall;
        this.scheduler = scheduler;
        this.probeExecutor = probeExecutor;
        this.settings = settings;
        this.listener = listener;
        this.lastTick = clock.getAsLong();
    }

    /** Starts watching {@code node} on {@code paths}; every path counts as just heard. */
    public synchronized void watch(String node, List<PathConfig> paths, ServiceProbe probe) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException(node + ": at least one health path is needed");
        }
        long now = clock.getAsLong();
        Map<String, PathWatch> map = new LinkedHashMap<>();
        for (PathConfig p : paths) {
            if (map.put(p.id(), new PathWatch(p, now, wall.instant())) != null) {
                throw new IllegalArgumentException(node + ": duplicate path id " + p.id());
            }
        }
        nodes.put(node, new NodeWatch(node, java.util.Collections.unmodifiableMap(map), probe));
        LOG.info("{}: watching {} on {} path(s): {}", self, node, paths.size(), paths);
    }

    public synchronized void unwatch(String node) {
        if (nodes.remove(node) != null) {
            LOG.info("{}: no longer watching {}", self, node);
        }
    }

    /** Starts ticking on the scheduler; every watched path counts as just heard. */
    public synchronized void start() {
        if (ticking == null) {
            lastTick = clock.getAsLong();
            // silence counts from the start of detection, not from configuration time
            for (NodeWatch n : nodes.values()) {
                for (PathWatch p : n.paths.values()) {
                    p.lastHeard = Math.max(p.lastHeard, lastTick);
                }
            }
            ticking = scheduler.scheduleAtFixedRate(this::tick, settings.tick().toNanos());
        }
    }

    public synchronized void stop() {
        if (ticking != null) {
            ticking.cancel();
            ticking = null;
        }
    }

    /** Valid traffic from {@code node} on {@code path}: a sign of life. Lock-free; unknown names are ignored. */
    public void heardOn(String node, String path) {
        PathWatch p = find(node, path);
        if (p != null) {
            p.lastHeard = clock.getAsLong();
            p.valid.increment();
        }
    }

    /** Counts a rejected heartbeat claiming to come from {@code node} on {@code path}. */
    public void rejected(String node, String path, Rejection why) {
        PathWatch p = find(node, path);
        if (p == null) {
            return;
        }
        switch (why) {
            case REPLAYED -> p.replayed.increment();
            case FORGED -> p.forged.increment();
            case MALFORMED -> p.malformed.increment();
        }
    }

    /** Why a heartbeat was ignored. */
    public enum Rejection { REPLAYED, FORGED, MALFORMED }

    /** True if {@code node} is watched and has a path called {@code path}. */
    public boolean watches(String node, String path) {
        return find(node, path) != null;
    }

    private PathWatch find(String node, String path) {
        NodeWatch n = nodes.get(node);
        return n == null ? null : n.paths.get(path);
    }

    /** Local pauses noticed so far. */
    public synchronized long pauses() {
        return pauses;
    }

    public Optional<NodeHealth> health(String node) {
        synchronized (this) {
            NodeWatch n = nodes.get(node);
            return n == null ? Optional.empty() : Optional.of(n.health);
        }
    }

    /** Point-in-time view of {@code node}'s paths (empty if not watched). */
    public synchronized List<PathSnapshot> paths(String node) {
        NodeWatch n = nodes.get(node);
        if (n == null) {
            return List.of();
        }
        long now = clock.getAsLong();
        List<PathSnapshot> out = new ArrayList<>();
        for (PathWatch p : n.paths.values()) {
            out.add(new PathSnapshot(node, p.config.id(), p.config.kind(), p.down ? PathState.DOWN : PathState.UP,
                    Duration.ofNanos(Math.max(0, now - p.lastHeard)), p.changedWall, p.valid.sum(),
                    p.replayed.sum(), p.forged.sum(), p.malformed.sum()));
        }
        return out;
    }

    /** One detection round; runs on the scheduler every tick (tests call it through a manual scheduler). */
    public void tick() {
        List<HealthEvent> events = new ArrayList<>();
        List<Runnable> probes = new ArrayList<>();
        synchronized (this) {
            long now = clock.getAsLong();
            long gap = now - lastTick;
            lastTick = now;
            long tickNanos = settings.tick().toNanos();
            if (gap > settings.pauseFactor() * tickNanos) {
                pauses++;
                for (NodeWatch n : nodes.values()) {
                    for (PathWatch p : n.paths.values()) {
                        // a path already down stays down: restarting it would only fake a recovery and a flap
                        if (!p.down) {
                            p.lastHeard = Math.max(p.lastHeard, now);
                        }
                    }
                }
                LOG.warn("{}: local pause detected: {} ms between ticks, expected {} ms (threshold {}x); silence "
                                + "restarted on every path of {} watched node(s), no failover decided on it",
                        self, gap / 1_000_000, tickNanos / 1_000_000, settings.pauseFactor(), nodes.size());
                events.add(new HealthEvent.LocalPause(self, gap, tickNanos));
            }
            for (NodeWatch n : nodes.values()) {
                evaluate(n, now, events, probes);
            }
        }
        // the suspicion is reported before its probe starts, so listeners see SUSPECT before the verdict
        events.forEach(this::emit);
        probes.forEach(probeExecutor::execute);
    }

    private void evaluate(NodeWatch n, long now, List<HealthEvent> events, List<Runnable> probes) {
        int total = n.paths.size();
        int up = 0;
        String heardPath = null;
        Map<String, Long> silence = new LinkedHashMap<>();
        for (PathWatch p : n.paths.values()) {
            long silent = Math.max(0, now - p.lastHeard);
            silence.put(p.config.id(), silent);
            if (silent <= p.config.timeout().toNanos()) {
                up++;
                heardPath = heardPath == null ? p.config.id() : heardPath;
            }
        }
        for (PathWatch p : n.paths.values()) {
            long silent = silence.get(p.config.id());
            boolean nowDown = silent > p.config.timeout().toNanos();
            if (nowDown != p.down) {
                long stateFor = now - p.changedAt;
                p.down = nowDown;
                p.changedAt = now;
                p.changedWall = wall.instant();
                if (nowDown) {
                    LOG.warn("{}: {} path {} ({}) DOWN: silent {} ms > timeout {} ms; {} of {} paths up",
                            self, n.node, p.config.id(), p.config.kind(), silent / 1_000_000,
                            p.config.timeout().toMillis(), up, total);
                    events.add(new HealthEvent.PathDown(n.node, p.config.id(), p.config.kind(), silent, up, total));
                } else {
                    LOG.info("{}: {} path {} ({}) UP after {} ms down; {} of {} paths up", self, n.node,
                            p.config.id(), p.config.kind(), stateFor / 1_000_000, up, total);
                    events.add(new HealthEvent.PathUp(n.node, p.config.id(), p.config.kind(), stateFor, up, total));
                }
            }
        }
        if (up > 0) {
            NodeHealth was = n.health;
            if (was == NodeHealth.SUSPECT || was == NodeHealth.ANSWERING_PROBE || was == NodeHealth.FAILED) {
                n.episode++;
                LOG.info("{}: {} alive again: heard on {} (was {})", self, n.node, heardPath, was);
                events.add(new HealthEvent.Alive(n.node, heardPath, was.name()));
            }
            n.health = up == total ? NodeHealth.UP : NodeHealth.DEGRADED;
            return;
        }
        switch (n.health) {
            case UP, DEGRADED -> {
                n.health = NodeHealth.SUSPECT;
                n.episode++;
                LOG.warn("{}: {} SUSPECT: every path silent past its timeout ({}); running confirming probe",
                        self, n.node, HealthEvent.describe(silence));
                events.add(new HealthEvent.Suspected(n.node, silence));
                probes.add(probeTask(n, n.episode));
            }
            case ANSWERING_PROBE -> {
                if (now - n.nextProbeAt >= 0) {
                    n.health = NodeHealth.SUSPECT;
                    n.nextProbeAt = Long.MAX_VALUE;
                    probes.add(probeTask(n, n.episode));
                }
            }
            case SUSPECT, FAILED -> {
                // a probe is running, or the verdict is in; wait for life
            }
        }
    }

    private Runnable probeTask(NodeWatch n, long episode) {
        return () -> {
            ServiceProbe.Result r;
            try {
                r = n.probe.probe(n.node);
            } catch (RuntimeException e) {
                r = new ServiceProbe.Result(false, "probe threw " + e, 0);
            }
            probeDone(n, episode, r);
        };
    }

    private void probeDone(NodeWatch n, long episode, ServiceProbe.Result r) {
        HealthEvent event;
        synchronized (this) {
            if (nodes.get(n.node) != n || n.episode != episode || n.health != NodeHealth.SUSPECT) {
                LOG.info("{}: {} probe result ignored, node no longer suspect: {}", self, n.node, r.detail());
                return;
            }
            long now = clock.getAsLong();
            Map<String, Long> silence = new LinkedHashMap<>();
            n.paths.values().forEach(p -> silence.put(p.config.id(), Math.max(0, now - p.lastHeard)));
            if (r.alive()) {
                n.health = NodeHealth.ANSWERING_PROBE;
                n.nextProbeAt = now + settings.probeRetry().toNanos();
                LOG.warn("{}: {} silent on every path ({}) but the probe answers ({}); not failed, probing again in "
                        + "{} ms", self, n.node, HealthEvent.describe(silence), r.detail(),
                        settings.probeRetry().toMillis());
                event = new HealthEvent.ProbeAnswered(n.node, silence, r.detail());
            } else {
                n.health = NodeHealth.FAILED;
                LOG.error("{}: {} FAILED: silent on every path ({}) and the confirming probe failed ({})",
                        self, n.node, HealthEvent.describe(silence), r.detail());
                event = new HealthEvent.Failed(n.node, silence, r.detail());
            }
        }
        emit(event);
    }

    private void emit(HealthEvent e) {
        try {
            listener.onHealth(e);
        } catch (RuntimeException ex) {
            LOG.error("{}: health listener failed on {}", self, e, ex);
        }
    }
}
