package org.understudy.health;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.FailureDetection;
import org.understudy.model.PathSnapshot;
import org.understudy.transport.Scheduler;

/**
 * Failure detection for the nodes one process watches (the standby watches every primary; a primary watches the
 * standby). Any valid traffic on a path ({@link #heardOn}) is a sign of life. On every tick each path whose silence
 * exceeds its timeout goes DOWN; a node is suspected only when every path is down, and declared FAILED only when the
 * confirming {@link ServiceProbe} then fails (the double check of JGroups' VERIFY_SUSPECT).
 *
 * <p>Two speeds. The slow path ({@code host-silent}) above: silence past every path's timeout, then a failed probe
 * (any failure, a time-out included), which starts its time limit ahead of the timeout so that its answer is in when
 * the timeout passes ({@link ServiceProbe#timeLimit}). The fast path ({@code process-dead}), for a node watched with a grace
 * ({@link #watch(String, List, ServiceProbe, Duration)}): when the peer closes its link ({@link #closedByPeer}: end of
 * stream or reset, explicit facts from a live host's kernel), the probe runs at once; only an explicit refusal (not a
 * time-out) keeps the episode going, and the node is declared failed once every path has been silent for the grace
 * with nothing heard since the close. A probe that answers means the process lives (a middlebox reset, a link
 * restart): {@link HealthEvent.LinkClosedAlive}, never a failure.
 *
 * <p>Local pauses: if the monotonic clock shows a gap between ticks longer than {@code pauseFactor} ticks, this
 * process was paused (GC, suspended VM) and received nothing meanwhile; the silence of every path is restarted and a
 * fast-path episode under way is dropped, so a pause alone never fails a node.
 *
 * <p>Thread-safe: {@link #heardOn} is lock-free (it is called per replication frame); ticks and probe results take
 * the detector's lock; events go to the listener after the lock is released.
 */
public final class HealthDetector {
    private static final Logger LOG = LogManager.getLogger(HealthDetector.class);
    /** Fast-path probes per episode when a probe is reset (not refused) before a greeting, and the pause between. */
    static final int FAST_PROBE_TRIES = 3;
    static final long FAST_PROBE_AGAIN_NANOS = 10_000_000;

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
    private volatile PauseWitness witness = PauseWitness.NONE;

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

    /** Starts watching {@code node} on {@code paths}, slow path only; every path counts as just heard. */
    public void watch(String node, List<PathConfig> paths, ServiceProbe probe) {
        watch(node, paths, probe, Duration.ZERO);
    }

    /** Starts watching {@code node}, with no startup grace (see the five-argument form). */
    public void watch(String node, List<PathConfig> paths, ServiceProbe probe, Duration grace) {
        watch(node, paths, probe, grace, Duration.ZERO);
    }

    /**
     * Starts watching {@code node} on {@code paths}; every path counts as just heard.
     *
     * @param grace        the fast path's heartbeat grace: after the peer closed a link and the probe was refused, how
     *                     long every path must have been silent; zero turns the fast path off. Longer than every
     *                     path's interval, so a live node's next heartbeat always falls inside it.
     * @param startupGrace while the node was never heard since watching started, the slow path does not suspect it
     *                     before this long (zero: off); see {@link FirstContact}
     */
    public synchronized void watch(String node, List<PathConfig> paths, ServiceProbe probe, Duration grace,
                                   Duration startupGrace) {
        if (grace.isNegative() || !grace.isZero() && paths.stream().anyMatch(p -> grace.compareTo(p.interval()) <= 0)) {
            throw new IllegalArgumentException(node + ": the process-dead grace (" + grace.toMillis()
                    + " ms) must be zero (off) or longer than every path's heartbeat interval " + paths);
        }
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
        nodes.put(node, new NodeWatch(node, java.util.Collections.unmodifiableMap(map), probe, grace, startupGrace,
                now));
        LOG.info("{}: watching {} on {} path(s): {}; fast path {}; startup grace {} s", self, node, paths.size(), paths,
                grace.isZero() ? "off" : "on, grace " + grace.toMillis() + " ms", startupGrace.toSeconds());
    }

    /** Who tells a pause of the process from a late tick (default: every late tick is a pause). */
    public void pauseWitness(PauseWitness w) {
        witness = w;
    }

    public synchronized void unwatch(String node) {
        Optional.ofNullable(nodes.remove(node)).ifPresent(n -> LOG.info("{}: no longer watching {}", self, node));
    }

    /** Starts ticking on the scheduler; every watched path counts as just heard. */
    public synchronized void start() {
        if (ticking == null) {
            lastTick = clock.getAsLong();
            // silence counts from the start of detection, not from configuration time
            long now = lastTick;
            nodes.values().forEach(n -> n.paths.values().forEach(p -> p.lastHeard = Math.max(p.lastHeard, now)));
            nodes.values().forEach(n -> n.firstContact.restart(now));
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

    /**
     * The peer closed {@code node}'s connection on {@code path} ({@code how}: "end of stream", "connection reset"):
     * an explicit fact from its host's kernel, not silence, and never reported for a close this side made. Starts the
     * fast path when the node is watched with a grace and shows life; the probe runs at once on the probe executor.
     */
    public void closedByPeer(String node, String path, String how) {
        Runnable probe = null;
        synchronized (this) {
            NodeWatch n = nodes.get(node);
            PathWatch p = n == null ? null : n.paths.get(path);
            if (p == null) {
                return;
            }
            long now = clock.getAsLong();
            if (n.grace.isZero()) {
                LOG.info("{}: {} path {} closed by the peer ({}); fast path off, the slow path watches", self, node,
                        path, how);
            } else if (n.health != NodeHealth.UP && n.health != NodeHealth.DEGRADED) {
                LOG.info("{}: {} path {} closed by the peer ({}) while {}; the slow path decides", self, node, path,
                        how, n.health);
            } else if (n.dying != null) {
                n.dying.facts.add(now, "link-closed", "the peer closed path " + path + " (" + how + ")");
            } else {
                n.dying = new ProcessDeath(now, wall.instant(), path, how);
                LOG.warn("{}: {} path {} closed by the peer ({}): probing its service now (fast path)", self, node,
                        path, how);
                ProcessDeath d = n.dying;
                probe = () -> fastProbeDone(n, d, n.runProbe());
            }
        }
        if (probe != null) {
            probeExecutor.execute(probe);
        }
    }

    private void fastProbeDone(NodeWatch n, ProcessDeath d, ServiceProbe.Result r) {
        List<HealthEvent> events = new ArrayList<>();
        long recheck = -1;
        Runnable reprobe = null;
        synchronized (this) {
            if (nodes.get(n.node) != n || n.dying != d) {
                LOG.info("{}: {} fast-path probe result ignored, the episode ended: {}", self, n.node, r.detail());
                return;
            }
            long now = clock.getAsLong();
            d.facts.add(now, "probe", String.format("%s in %.1f ms: %s", r.alive() ? "answered" : r.refused()
                    ? "refused" : r.reset() ? "reset" : "failed", r.durationNanos() / 1e6, r.detail()));
            if (r.alive()) {
                n.dying = null;
                n.resetPath = d.path;
                n.resetAt = d.closedAt;
                LOG.warn("{}: {} path {} closed by the peer ({}) but its service answers ({}): the process lives "
                        + "(a reset in the network or a link restart); no takeover", self, n.node, d.path, d.how,
                        r.detail());
                events.add(new HealthEvent.LinkClosedAlive(n.node, d.path, d.how, r.detail()));
            } else if (r.reset() && d.probes < FAST_PROBE_TRIES) {
                d.probes++;
                LOG.info("{}: {} fast-path probe reset before a greeting ({}): a listening socket closing as its "
                        + "process ends looks like this; probing again in {} ms (try {} of {})", self, n.node,
                        r.detail(), FAST_PROBE_AGAIN_NANOS / 1_000_000, d.probes, FAST_PROBE_TRIES);
                reprobe = () -> fastProbeDone(n, d, n.runProbe());
            } else if (!r.refused()) {
                n.dying = null;
                LOG.warn("{}: {} path {} closed by the peer ({}), probe failed without an explicit refusal ({}): no "
                        + "fast-path fact, the slow path decides", self, n.node, d.path, d.how, r.detail());
            } else {
                d.refusal = r;
                LOG.warn("{}: {} path {} closed by the peer ({}) and its service refused ({}); process dead unless "
                        + "a heartbeat comes within {} ms", self, n.node, d.path, d.how, r.detail(),
                        n.grace.toMillis());
                // decided here when the grace is already over, unless a tick is overdue (a pause: the tick decides)
                recheck = now - lastTick > settings.pauseFactor() * settings.tick().toNanos() ? 0
                        : n.decideFast(now, events, LOG, self);
            }
        }
        events.forEach(this::emit);
        if (recheck >= 0) {
            scheduler.schedule(this::tick, recheck);
        }
        if (reprobe != null) {
            Runnable again = reprobe;
            scheduler.schedule(() -> probeExecutor.execute(again), FAST_PROBE_AGAIN_NANOS);
        }
    }

    /** Counts a rejected heartbeat claiming to come from {@code node} on {@code path}. */
    public void rejected(String node, String path, Rejection why) {
        PathWatch p = find(node, path);
        if (p != null) {
            p.reject(why);
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

    public synchronized Optional<NodeHealth> health(String node) {
        return Optional.ofNullable(nodes.get(node)).map(n -> n.health);
    }

    /** Point-in-time view of {@code node}'s paths (empty if not watched). */
    public synchronized List<PathSnapshot> paths(String node) {
        NodeWatch n = nodes.get(node);
        long now = clock.getAsLong();
        return n == null ? List.of() : n.paths.values().stream().map(p -> p.snapshot(node, now)).toList();
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
            // late because this thread was busy (its listeners) is no pause: the receivers went on recording life
            if (gap > settings.pauseFactor() * tickNanos && witness.stalled(now - gap, tickNanos / 2)) {
                pauses++;
                LOG.warn("{}: local pause detected: {} ms between ticks, expected {} ms (threshold {}x); silence "
                                + "restarted on every path of {} watched node(s), no failover decided on it",
                        self, gap / 1_000_000, tickNanos / 1_000_000, settings.pauseFactor(), nodes.size());
                nodes.values().forEach(n -> n.restartSilence(now, LOG, self));
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
        long recheck = n.decideFast(now, events, LOG, self);
        if (recheck > 0) {
            // decided at the grace's end, not at the next tick
            scheduler.schedule(this::tick, recheck);
        }
        if (n.resetPath != null && n.paths.get(n.resetPath).lastHeard - n.resetAt > 0) {
            long after = n.paths.get(n.resetPath).lastHeard - n.resetAt;
            LOG.info("{}: {} path {} carries traffic again {} ms after the peer closed it", self, n.node, n.resetPath,
                    after / 1_000_000);
            events.add(new HealthEvent.LinkRestored(n.node, n.resetPath, after));
            n.resetPath = null;
        }
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
        n.updatePaths(now, wall.instant(), silence, up, events, LOG, self);
        boolean firstContact = n.firstContact.holds(n.node, n.paths.values(), up == 0, now, LOG, self);
        probeAhead(n, now, probes, firstContact);
        recheckAtTheCrossing(n, now);
        if (up > 0) {
            if (n.health == NodeHealth.FAILED && n.deadAt != Long.MIN_VALUE && n.heardAfter(n.deadAt) == null) {
                // a process-dead verdict stands while its paths are merely not yet past their timeouts
                return;
            }
            n.deadAt = Long.MIN_VALUE;
            NodeHealth was = n.health;
            if (was == NodeHealth.SUSPECT || was == NodeHealth.ANSWERING_PROBE || was == NodeHealth.FAILED) {
                n.episode++;
                LOG.info("{}: {} alive again: heard on {} (was {})", self, n.node, heardPath, was);
                events.add(new HealthEvent.Alive(n.node, heardPath, was.name()));
            }
            n.health = up == n.paths.size() ? NodeHealth.UP : NodeHealth.DEGRADED;
            return;
        }
        switch (n.health) {
            case UP, DEGRADED -> {
                if (firstContact) {
                    return;
                }
                n.health = NodeHealth.SUSPECT;
                n.episode++;
                n.dying = null;
                n.suspicion = new FactLog(now, wall.instant());
                n.suspicion.add(now, "silence", "every path silent past its timeout (" + HealthEvent.describe(silence)
                        + ")");
                LOG.warn("{}: {} SUSPECT: every path silent past its timeout ({}); running confirming probe",
                        self, n.node, HealthEvent.describe(silence));
                events.add(new HealthEvent.Suspected(n.node, silence));
                ProbeAhead a = n.ahead;
                n.ahead = null;
                if (a == null || a.result != null && a.result.alive()) {
                    probes.add(probeTask(n, n.episode));
                } else if (a.result == null) {
                    a.episode = n.episode; // its answer is the verdict
                } else {
                    events.add(verdict(n, now, a.result, n.suspicion.start() - a.startedAt));
                }
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

    /** One extra tick when a watching node's next crossing falls before the next tick (see {@link NodeWatch#nextCrossing}). */
    private void recheckAtTheCrossing(NodeWatch n, long now) {
        long next = n.nextCrossing(now);
        if (next < settings.tick().toNanos()) {
            scheduler.schedule(this::tick, next);
        }
    }

    /**
     * The slow path's probe runs ahead: once every path has been silent for its timeout less the probe's time limit,
     * it starts, so its answer is in when the paths go past their timeouts (a frozen host's probe times out, and
     * waiting for that after the timeout would add the whole limit to the detection). It decides nothing before every
     * path is past its timeout; life heard after it started drops it.
     */
    private void probeAhead(NodeWatch n, long now, List<Runnable> probes, boolean awaitingFirstContact) {
        long since = n.ahead == null ? 0 : n.ahead.startedAt;
        if (n.ahead != null && n.paths.values().stream().anyMatch(p -> p.lastHeard - since >= 0)) {
            n.ahead = null; // life heard since it started (a pause restarts the silence: the same)
        }
        long lead = n.probe.timeLimit().toNanos();
        if (lead <= 0 || n.ahead != null || awaitingFirstContact
                || n.health != NodeHealth.UP && n.health != NodeHealth.DEGRADED
                || n.paths.values().stream().anyMatch(p -> now - p.lastHeard <= p.config.timeout().toNanos() - lead)) {
            return;
        }
        ProbeAhead a = new ProbeAhead(now);
        n.ahead = a;
        LOG.info("{}: {} silent on every path for its timeout less the probe's limit ({} ms): probing ahead", self,
                n.node, lead / 1_000_000);
        probes.add(() -> aheadDone(n, a, n.runProbe()));
    }

    private void aheadDone(NodeWatch n, ProbeAhead a, ServiceProbe.Result r) {
        long episode;
        long ahead;
        synchronized (this) {
            if (n.ahead == a) {
                a.result = r; // the tick that finds every path past its timeout decides with it
                return;
            }
            episode = a.episode;
            ahead = n.suspicion == null ? 0 : n.suspicion.start() - a.startedAt;
        }
        if (episode != 0) {
            probeDone(n, episode, r, ahead); // ignored unless that suspicion still waits for it
        }
    }

    private Runnable probeTask(NodeWatch n, long episode) {
        return () -> probeDone(n, episode, n.runProbe(), 0);
    }


    private void probeDone(NodeWatch n, long episode, ServiceProbe.Result r, long ahead) {
        HealthEvent event;
        synchronized (this) {
            if (nodes.get(n.node) != n || n.episode != episode || n.health != NodeHealth.SUSPECT) {
                LOG.info("{}: {} probe result ignored, node no longer suspect: {}", self, n.node, r.detail());
                return;
            }
            event = verdict(n, clock.getAsLong(), r, ahead);
        }
        emit(event);
    }

    /**
     * The slow path's verdict on suspect {@code n} from probe result {@code r}, which started {@code ahead} ns before
     * every path was past its timeout (0: after). Under the lock.
     */
    private HealthEvent verdict(NodeWatch n, long now, ServiceProbe.Result r, long ahead) {
        Map<String, Long> silence = new LinkedHashMap<>();
        n.paths.values().forEach(p -> silence.put(p.config.id(), Math.max(0, now - p.lastHeard)));
        if (r.alive()) {
            n.health = NodeHealth.ANSWERING_PROBE;
            n.nextProbeAt = now + settings.probeRetry().toNanos();
            LOG.warn("{}: {} silent on every path ({}) but the probe answers ({}); not failed, probing again in {} ms",
                    self, n.node, HealthEvent.describe(silence), r.detail(), settings.probeRetry().toMillis());
            return new HealthEvent.ProbeAnswered(n.node, silence, r.detail());
        }
        n.health = NodeHealth.FAILED;
        FactLog facts = n.suspicion != null ? n.suspicion : new FactLog(now, wall.instant());
        facts.add(now, "probe", String.format("%s in %.1f ms%s: %s", r.refused() ? "refused" : "failed",
                r.durationNanos() / 1e6, ahead > 0 ? String.format(", started %d ms before every path was past its "
                + "timeout", ahead / 1_000_000) : "", r.detail()));
        FailureDetection detection = facts.finish(FailureDetection.HOST_SILENT, now);
        LOG.error("{}: {} FAILED ({}): silent on every path ({}) and the confirming probe failed ({}); {}", self,
                n.node, FailureDetection.HOST_SILENT, HealthEvent.describe(silence), r.detail(), detection.describe());
        return new HealthEvent.Failed(n.node, silence, r.detail(), detection);
    }

    private void emit(HealthEvent e) {
        try {
            listener.onHealth(e);
        } catch (RuntimeException ex) {
            LOG.error("{}: health listener failed on {}", self, e, ex);
        }
    }
}
