package org.understudy.failover;

import static org.understudy.model.PrimaryState.DEGRADED;
import static org.understudy.model.PrimaryState.FAILED;
import static org.understudy.model.PrimaryState.FENCED;
import static org.understudy.model.PrimaryState.PROTECTED;
import static org.understudy.model.PrimaryState.SPLIT_BRAIN;
import static org.understudy.model.PrimaryState.STANDING_IN;
import static org.understudy.model.PrimaryState.SUSPECT;
import static org.understudy.model.PrimaryState.SYNCING;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.health.HealthEvent;
import org.understudy.health.HealthListener;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathKind;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;

/**
 * The standby's failover engine: one {@link PrimaryStateMachine} per primary, driven by the health detector's
 * decisions ({@link #onHealth}, an exhaustive switch over the sealed {@link HealthEvent}), by the mirroring engine's
 * replica reports and by operator commands ({@link #commands()}, apart in {@link FailoverCommands}). On a declared
 * failure it applies the {@link FailoverPolicy} (automatic failover on/off, at most N stand-ins) and runs the takeover
 * steps on the takeover executor ({@link Takeovers}), recording a timeline. Everything it decides goes out as
 * {@link ModelEvent}s and alarms.
 *
 * <p>Thread-safe: decisions are taken under the engine's lock (the shared {@link EngineState}'s monitor); events,
 * alarms and takeovers are queued and run after the lock is released, so listeners may call back into the engine.
 */
public final class FailoverEngine implements HealthListener {
    private static final Logger LOG = LogManager.getLogger(FailoverEngine.class);

    /** The daemon's implementations of the takeover, switchover and failback steps. */
    public record Actions(TakeoverSteps takeover, PlannedHandover handover, FailbackSteps failback) {
    }

    private final String self;
    private final InstantSource wall;
    private final Outbox out;
    private final EngineState state;
    private final Takeovers takeovers;
    private final FailoverCommands commands;

    /** An engine whose automatic-failover switch lives in memory only and comes from {@code policy}. */
    public FailoverEngine(String self, LongSupplier clock, InstantSource wall, Executor takeoverExecutor,
                          FailoverPolicy policy, Actions actions, AlarmRegistry alarms, Consumer<ModelEvent> events) {
        this(self, clock, wall, takeoverExecutor, policy, "the configuration", AutoSwitchRecorder.NONE, actions,
                alarms, events);
    }

    /**
     * @param policyOrigin where {@code policy.autoFailover()} came from (the cluster file, the operator's recorded
     *                     choice), said in the start log line and in the vault-mode alarm
     * @param autoSwitch   records every operator change of the switch durably, so it survives a restart
     */
    public FailoverEngine(String self, LongSupplier clock, InstantSource wall, Executor takeoverExecutor,
                          FailoverPolicy policy, String policyOrigin, AutoSwitchRecorder autoSwitch, Actions actions,
                          AlarmRegistry alarms, Consumer<ModelEvent> events) {
        this.self = self;
        this.wall = wall;
        this.out = new Outbox(self, wall, alarms, events);
        this.state = new EngineState(self, clock, wall, out, policy);
        state.policyOrigin(policyOrigin);
        TakeoverRunner runner = new TakeoverRunner(clock, wall, actions.takeover(), actions.handover(),
                actions.failback(), this::running);
        this.takeovers = new Takeovers(state, runner, takeoverExecutor);
        this.commands = new FailoverCommands(state, takeovers, runner, autoSwitch);
        LOG.info("{}: failover engine: automatic failover {} (from {}), at most {} stand-in(s), fencing failure {}",
                self, policy.autoFailover() ? "on" : "off (vault mode)", policyOrigin, policy.maxStandIns(),
                policy.abortOnFencingFailure() ? "aborts" : "is ignored");
        if (!policy.autoFailover()) {
            // the same alarm as a switch at run time: vault mode must be visible however the standby got into it
            out.raise(AlarmKind.AUTOSWITCH_OFF, self, AlarmSeverity.WARNING, "automatic failover off (vault mode) "
                    + "since the standby started, from " + policyOrigin);
            out.flush();
        }
    }

    /** Adds a primary; it starts SYNCING until the mirroring engine reports its replicas consistent. */
    public void addPrimary(TakeoverTarget target) {
        addPrimary(target, SYNCING, false, "watching started");
    }

    /**
     * Adds a primary in a state recovered at start (e.g. from the event log and the replicas' epochs after a standby
     * restart): STANDING_IN if the standby was serving it, FENCED if its epoch is stale, otherwise SYNCING.
     *
     * @param fencedByUs the standby raised the epoch against it: it stays fenced until an operator clears it
     */
    public void addPrimary(TakeoverTarget target, PrimaryState initial, boolean fencedByUs, String cause) {
        if (!Set.of(SYNCING, STANDING_IN, FENCED, SPLIT_BRAIN).contains(initial)) {
            throw new IllegalArgumentException(target.primary() + ": cannot start in " + initial
                    + "; recovered states are SYNCING, STANDING_IN, FENCED, SPLIT_BRAIN");
        }
        synchronized (state) {
            if (state.find(target.primary()) != null) {
                throw new IllegalArgumentException("primary " + target.primary() + " already added");
            }
            PrimaryStateMachine m = new PrimaryStateMachine(target.primary(), initial, cause, wall, out::publish);
            Primary p = new Primary(target, m);
            p.fencedByUs = fencedByUs || initial == STANDING_IN || initial == FENCED;
            state.add(p);
            LOG.info("{}: {} added in {} ({}){}", self, target.primary(), initial, cause,
                    p.fencedByUs ? ", fenced by epoch" : "");
            if (initial == STANDING_IN) {
                out.raise(AlarmKind.STANDING_IN, target.primary(), AlarmSeverity.MAJOR,
                        "the standby stands in for " + target.primary() + " (recovered at start: " + cause + ")");
            } else if (initial == FENCED) {
                out.raise(AlarmKind.FENCED, target.primary(), AlarmSeverity.MAJOR, cause);
            }
        }
        out.flush();
    }

    // ---- inputs from the health detector -------------------------------------------------------------------------

    @Override
    public void onHealth(HealthEvent event) {
        synchronized (state) {
            if (event instanceof HealthEvent.LocalPause p) {
                out.publish(new ModelEvent.LocalPause(wall.instant(), p.node(),
                        Duration.ofNanos(p.gapNanos()), Duration.ofNanos(p.expectedNanos())));
            } else {
                Primary p = state.find(event.node());
                if (p == null) {
                    LOG.debug("{}: health event for unknown primary ignored: {}", self, event);
                } else {
                    handle(p, event);
                }
            }
        }
        out.flush();
    }

    private void handle(Primary p, HealthEvent event) {
        String name = p.target.primary();
        PrimaryStateMachine m = p.machine;
        switch (event) {
            case HealthEvent.PathDown d -> {
                p.downPaths.add(d.path());
                double silent = d.silentNanos() / 1e9;
                String cause = String.format("path %s (%s) silent %.2f s; %d of %d paths up", d.path(), d.kind(),
                        silent, d.pathsUp(), d.pathsTotal());
                out.raise(AlarmKind.PATH_DOWN, name + "/" + d.path(), AlarmSeverity.MINOR, cause);
                pathEvent(name, d.path(), d.kind(), PathState.DOWN, d.silentNanos());
                if (m.state() == PROTECTED) {
                    m.transition(DEGRADED, cause, Map.of("silentSeconds", silent, "pathsUp", d.pathsUp(),
                            "pathsTotal", d.pathsTotal()));
                }
            }
            case HealthEvent.PathUp u -> {
                p.downPaths.remove(u.path());
                out.clear(AlarmKind.PATH_DOWN, name + "/" + u.path(), String.format("path %s up after %.2f s down",
                        u.path(), u.downForNanos() / 1e9));
                pathEvent(name, u.path(), u.kind(), PathState.UP, 0);
                settle(p, "path " + u.path() + " up again");
            }
            case HealthEvent.Suspected s -> m.tryTransition(SUSPECT, "silent on every path (" +
                    HealthEvent.describe(s.silence()) + "), confirming probe running",
                    Map.of("silentSeconds", HealthEvent.allSilentNanos(s.silence()) / 1e9));
            case HealthEvent.ProbeAnswered a -> {
                String cause = "silent on every path (" + HealthEvent.describe(a.silence())
                        + ") but the service answers: " + a.probeDetail();
                out.raise(AlarmKind.PATH_DOWN, name, AlarmSeverity.MAJOR, cause);
                m.tryTransition(DEGRADED, cause, Map.of("silentSeconds",
                        HealthEvent.allSilentNanos(a.silence()) / 1e9));
            }
            case HealthEvent.Failed f -> declaredFailed(p, f);
            case HealthEvent.LinkClosedAlive c -> {
                String cause = "path " + c.path() + " closed by the peer (" + c.how() + ") while " + name
                        + "'s service answers (" + c.probeDetail() + "): a reset in the network or a link restart; "
                        + "no takeover";
                out.raise(AlarmKind.PATH_DOWN, name + "/" + c.path(), AlarmSeverity.MINOR, cause);
            }
            case HealthEvent.LinkRestored r -> {
                if (!p.downPaths.contains(r.path())) {
                    out.clear(AlarmKind.PATH_DOWN, name + "/" + r.path(), String.format("path %s carries traffic "
                            + "again %.2f s after the peer closed it", r.path(), r.afterNanos() / 1e9));
                }
            }
            case HealthEvent.Alive a -> {
                out.clear(AlarmKind.PATH_DOWN, name, "heard on " + a.path());
                switch (m.state()) {
                    case FAILING_OVER, STANDING_IN, FAILING_BACK -> out.raise(AlarmKind.PRIMARY_REVIVED, name,
                            AlarmSeverity.MAJOR, "the old primary shows life on " + a.path() + " while the standby "
                                    + "stands in; its epoch is stale so its replication writes are refused, it must "
                                    + "stay fenced");
                    default -> {
                        out.clear(AlarmKind.PRIMARY_FAILED, name, "heard on " + a.path());
                        settle(p, "heard again on " + a.path() + " (was " + a.was() + ")");
                    }
                }
            }
            case HealthEvent.LocalPause ignored -> {
                // handled before dispatch: it concerns no primary
            }
        }
    }

    /** After life or a replica report: the watching state the facts call for. */
    private void settle(Primary p, String why) {
        PrimaryState s = p.machine.state();
        if (s != SYNCING && s != PROTECTED && s != DEGRADED && s != SUSPECT && s != FAILED) {
            return;
        }
        PrimaryState target;
        if (p.fencedByUs) {
            target = FENCED;
            out.raise(AlarmKind.FENCED, p.target.primary(), AlarmSeverity.MAJOR,
                    "fenced by a raised epoch; it stays fenced until an operator clears the fence");
        } else if (!p.replicasConsistent) {
            target = SYNCING;
        } else {
            target = p.downPaths.isEmpty() ? PROTECTED : DEGRADED;
        }
        if (p.machine.tryTransition(target, why, Map.of("pathsDown", p.downPaths.size())) && target == PROTECTED) {
            out.clear(AlarmKind.FAILOVER_FAILED, p.target.primary(), "protected again: " + why);
        }
    }

    private void declaredFailed(Primary p, HealthEvent.Failed f) {
        String name = p.target.primary();
        double silent = HealthEvent.allSilentNanos(f.silence()) / 1e9;
        String reason = f.processDead()
                ? String.format("process dead: %s", f.detection().describe())
                : String.format("%.2f s silent on every path (%s), probe failed: %s", silent,
                        HealthEvent.describe(f.silence()), f.probeDetail());
        if (p.occupiesStandIn()) {
            // a takeover, switchover or failback owns the primary: its links closing is part of it, not a failure
            LOG.info("{}: {} declared failed while {} ({}); the sequence under way owns it, no action", self, name,
                    p.machine.state(), reason);
            return;
        }
        out.publish(new ModelEvent.PrimaryFailed(wall.instant(), name, reason));
        Map<String, Number> numbers = Map.of("silentSeconds", silent, "paths", f.silence().size(),
                "detectionMillis", f.detection().took().toMillis());
        // the slow path went through SUSPECT; the fast path decides straight from a watching state
        Set<PrimaryState> from = f.processDead() ? EnumSet.of(SYNCING, PROTECTED, DEGRADED, SUSPECT)
                : EnumSet.of(SUSPECT, DEGRADED);
        if (!from.contains(p.machine.state())) {
            LOG.warn("{}: {} declared failed ({}) while {}; no action", self, name, f.detection().path(),
                    p.machine.state());
            return;
        }
        String refusal = null;
        if (!p.replicasConsistent) {
            refusal = "replicas not consistent (resync in progress or generation unknown); never promoted "
                    + "automatically";
        } else if (!state.policy().autoFailover()) {
            refusal = "automatic failover is off (vault mode); an operator may force the failover";
        } else if (state.standIns() >= state.policy().maxStandIns()) {
            refusal = state.standInLimit();
        }
        if (refusal != null) {
            LOG.error("{}: {} failed and NOT taken over: {}; {}", self, name, reason, refusal);
            out.raise(AlarmKind.PRIMARY_FAILED, name, AlarmSeverity.CRITICAL, reason + "; not taken over: " + refusal);
            p.machine.transition(FAILED, reason + "; not taken over: " + refusal, numbers);
            return;
        }
        takeovers.start(p, "failover", reason, false, numbers, f.detection());
    }

    // ---- inputs from the mirroring engine ------------------------------------------------------------------------

    /** The mirroring engine's word on the primary's replicas: consistent (all in sync, generation known) or not. */
    public void replicaStatus(String primary, boolean consistent, String detail) {
        synchronized (state) {
            Primary p = state.require(primary);
            p.replicasConsistent = consistent;
            PrimaryState s = p.machine.state();
            if (!consistent && (s == PROTECTED || s == DEGRADED)) {
                p.machine.transition(SYNCING, "replicas not consistent: " + detail, Map.of());
            } else if (consistent) {
                settle(p, "replicas consistent: " + detail);
            }
        }
        out.flush();
    }

    /** The engine's view of the primary's replicas, as last reported by {@link #replicaStatus} (or forgotten). */
    public boolean replicasConsistent(String primary) {
        synchronized (state) {
            return state.require(primary).replicasConsistent;
        }
    }

    /** Generations diverged (found by the mirroring engine on reconnect): stop and alarm, never resync blindly. */
    public void splitBrain(String primary, String detail) {
        synchronized (state) {
            Primary p = state.require(primary);
            out.raise(AlarmKind.SPLIT_BRAIN, primary, AlarmSeverity.CRITICAL, detail);
            if (!p.machine.tryTransition(SPLIT_BRAIN, detail, Map.of())) {
                LOG.error("{}: {} split brain reported while {}: {}", self, primary, p.machine.state(), detail);
            }
        }
        out.flush();
    }

    /**
     * A replica refused the primary's link because its identity carries an older epoch than the replica's: it lost
     * its fence record or missed the epoch when its fence was cleared, so it cannot sync by itself. Shown FENCED
     * with an alarm naming both epochs, so that fence-clear (which hands it the epoch) is possible; see
     * {@link EpochRefusal} for when a refusal is ignored.
     */
    public void staleEpoch(String primary, String volume, long primaryEpoch, long replicaEpoch) {
        synchronized (state) {
            Primary p = state.require(primary);
            long since = p.epochHanded ? state.clock.getAsLong() - p.epochHandedAt : -1;
            switch (EpochRefusal.decide(primary, volume, p.machine.state(), since, primaryEpoch, replicaEpoch)) {
                case EpochRefusal.Ignore i -> LOG.info("{}: stale-epoch refusal of {}/{} (primary epoch {}, replica "
                        + "epoch {}) changes nothing: {}", self, primary, volume, primaryEpoch, replicaEpoch, i.why());
                case EpochRefusal.Fence f -> {
                    p.fencedByUs = true;
                    LOG.error("{}: {} FENCED: {}", self, primary, f.cause());
                    out.raise(AlarmKind.FENCED, primary, AlarmSeverity.MAJOR, f.cause());
                    p.machine.transition(FENCED, f.cause(), Map.of("primaryEpoch", primaryEpoch,
                            "replicaEpoch", replicaEpoch));
                }
            }
        }
        out.flush();
    }

    // ---- read side -----------------------------------------------------------------------------------------------

    /** The operator's commands: forced failover, switchover, failback, fence clearing, the automatic switch. */
    public FailoverCommands commands() {
        return commands;
    }

    public PrimaryState state(String primary) {
        synchronized (state) {
            return state.require(primary).machine.state();
        }
    }

    public FailoverPolicy policy() {
        synchronized (state) {
            return state.policy();
        }
    }

    public Optional<FailoverTimeline> lastTimeline(String primary) {
        synchronized (state) {
            return Optional.ofNullable(state.require(primary).lastTimeline);
        }
    }

    /** Point-in-time view of every primary; {@code paths} supplies each one's health paths (the detector's). */
    public List<PrimarySnapshot> snapshot(Function<String, List<PathSnapshot>> paths) {
        List<PrimarySnapshot> states = new ArrayList<>();
        synchronized (state) {
            for (Primary p : state.all()) {
                states.add(new PrimarySnapshot(p.target.primary(), p.machine.state(), p.machine.cause(),
                        p.machine.since(), List.of(), p.lastTakeover, p.takeovers).withRunning(p.running).withLastSequence(p.lastTimeline));
            }
        }
        // the detector has its own lock: ask it outside ours
        return states.stream().map(s -> new PrimarySnapshot(s.name(), s.state(), s.cause(), s.since(),
                paths.apply(s.name()), s.lastFailover(), s.failovers()).withRunning(s.running())
                .withLastSequence(s.lastSequence())).toList();
    }

    /** Where the automatic-failover switch in force came from: the cluster file, or the operator's last choice. */
    public String autoFailoverOrigin() {
        synchronized (state) {
            return state.policyOrigin();
        }
    }

    /**
     * A sequence's timeline so far, from the takeover thread; the primary's snapshot shows it until the sequence
     * ends. Not under the engine's lock (a step may run while a command holds it): primaries are only added at start
     * and {@code running} is volatile.
     */
    private void running(String primary, FailoverTimeline soFar) {
        Primary p = state.find(primary);
        if (p != null) {
            p.running = soFar;
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    private void pathEvent(String node, String path, PathKind kind, PathState pathState, long silentNanos) {
        out.publish(new ModelEvent.PathChanged(wall.instant(), node, path, kind, pathState,
                Duration.ofNanos(silentNanos)));
    }
}
