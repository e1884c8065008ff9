package org.understudy.failover;

import static org.understudy.model.PrimaryState.DEGRADED;
import static org.understudy.model.PrimaryState.FAILED;
import static org.understudy.model.PrimaryState.FAILING_BACK;
import static org.understudy.model.PrimaryState.FAILING_OVER;
import static org.understudy.model.PrimaryState.FENCED;
import static org.understudy.model.PrimaryState.PROTECTED;
import static org.understudy.model.PrimaryState.SPLIT_BRAIN;
import static org.understudy.model.PrimaryState.STANDING_IN;
import static org.understudy.model.PrimaryState.SUSPECT;
import static org.understudy.model.PrimaryState.SYNCING;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import org.understudy.model.FailoverTimeline;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;

/**
 * The standby's failover engine: one {@link PrimaryStateMachine} per primary, driven by the health detector's
 * decisions ({@link #onHealth}, an exhaustive switch over the sealed {@link HealthEvent}), by the mirroring engine's
 * replica reports and by operator commands. On a declared failure it applies the {@link FailoverPolicy} (automatic
 * failover on/off, at most N stand-ins) and runs the takeover steps on the takeover executor, recording a timeline.
 * Everything it decides goes out as {@link ModelEvent}s and alarms.
 *
 * <p>Thread-safe: decisions are taken under the engine's lock; events, alarms and takeovers are queued and run after
 * the lock is released, so listeners may call back into the engine.
 */
public final class FailoverEngine implements HealthListener {
    private static final Logger LOG = LogManager.getLogger(FailoverEngine.class);

    /** The daemon's implementations of the takeover, switchover and failback steps. */
    public record Actions(TakeoverSteps takeover, PlannedHandover handover, FailbackSteps failback) {
    }

    private final String self;
    private final LongSupplier clock;
    private final InstantSource wall;
    private final Executor takeoverExecutor;
    private final TakeoverRunner runner;
    private final Outbox out;
    private final Map<String, Primary> primaries = new LinkedHashMap<>();
    private final AutoSwitchRecorder autoSwitch;
    private FailoverPolicy policy;

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
        this.clock = clock;
        this.wall = wall;
        this.takeoverExecutor = takeoverExecutor;
        this.policy = policy;
        this.autoSwitch = autoSwitch;
        this.runner = new TakeoverRunner(clock, wall, actions.takeover(), actions.handover(), actions.failback());
        this.out = new Outbox(self, wall, alarms, events);
        LOG.info("{}: failover engine: automatic failover {} (from {}), at most {} stand-in(s), fencing failure {}",
                self, policy.autoFailover() ? "on" : "off (vault mode)", policyOrigin, policy.maxStandIns(),
                policy.abortOnFencingFailure() ? "aborts" : "is ignored");
        if (!policy.autoFailover()) {
            // the same alarm as a switch at run time: vault mode must be visible however the standby got into it
            out.raise(AlarmKind.AUTOSWITCH_OFF, self, AlarmSeverity.WARNING, "automatic failover off (vault mode) since the "
                    + "standby started, from " + policyOrigin);
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
        synchronized (this) {
            if (primaries.containsKey(target.primary())) {
                throw new IllegalArgumentException("primary " + target.primary() + " already added");
            }
            PrimaryStateMachine m = new PrimaryStateMachine(target.primary(), initial, cause, wall, out::publish);
            Primary p = new Primary(target, m);
            p.fencedByUs = fencedByUs || initial == STANDING_IN || initial == FENCED;
            primaries.put(target.primary(), p);
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
        synchronized (this) {
            if (event instanceof HealthEvent.LocalPause p) {
                out.publish(new ModelEvent.LocalPause(wall.instant(), p.node(),
                        Duration.ofNanos(p.gapNanos()), Duration.ofNanos(p.expectedNanos())));
            } else {
                Primary p = primaries.get(event.node());
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
                out.clear(AlarmKind.PATH_DOWN, name + "/" + u.path(), String.format("path %s up after %.2f s down", u.path(),
                        u.downForNanos() / 1e9));
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
            case HealthEvent.Alive a -> {
                out.clear(AlarmKind.PATH_DOWN, name, "heard on " + a.path());
                switch (m.state()) {
                    case FAILING_OVER, STANDING_IN, FAILING_BACK -> out.raise(AlarmKind.PRIMARY_REVIVED, name, AlarmSeverity.MAJOR,
                            "the old primary shows life on " + a.path() + " while the standby stands in; its epoch "
                                    + "is stale so its replication writes are refused, it must stay fenced");
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
        p.machine.tryTransition(target, why, Map.of("pathsDown", p.downPaths.size()));
    }

    private void declaredFailed(Primary p, HealthEvent.Failed f) {
        String name = p.target.primary();
        double silent = HealthEvent.allSilentNanos(f.silence()) / 1e9;
        String reason = String.format("%.2f s silent on every path (%s), probe failed: %s", silent,
                HealthEvent.describe(f.silence()), f.probeDetail());
        out.publish(new ModelEvent.PrimaryFailed(wall.instant(), name, reason));
        Map<String, Number> numbers = Map.of("silentSeconds", silent, "paths", f.silence().size());
        if (p.machine.state() != SUSPECT && p.machine.state() != DEGRADED) {
            LOG.warn("{}: {} declared failed while {}; no action", self, name, p.machine.state());
            return;
        }
        String refusal = null;
        if (!p.replicasConsistent) {
            refusal = "replicas not consistent (resync in progress or generation unknown); never promoted "
                    + "automatically";
        } else if (!policy.autoFailover()) {
            refusal = "automatic failover is off (vault mode); an operator may force the failover";
        } else if (standIns() >= policy.maxStandIns()) {
            refusal = standInLimit();
        }
        if (refusal != null) {
            LOG.error("{}: {} failed and NOT taken over: {}; {}", self, name, reason, refusal);
            out.raise(AlarmKind.PRIMARY_FAILED, name, AlarmSeverity.CRITICAL, reason + "; not taken over: " + refusal);
            p.machine.transition(FAILED, reason + "; not taken over: " + refusal, numbers);
            return;
        }
        startTakeover(p, "failover", reason, false, numbers);
    }

    // ---- inputs from the mirroring engine ------------------------------------------------------------------------

    /** The mirroring engine's word on the primary's replicas: consistent (all in sync, generation known) or not. */
    public void replicaStatus(String primary, boolean consistent, String detail) {
        synchronized (this) {
            Primary p = require(primary);
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
    public synchronized boolean replicasConsistent(String primary) {
        return require(primary).replicasConsistent;
    }

    /** Generations diverged (found by the mirroring engine on reconnect): stop and alarm, never resync blindly. */
    public void splitBrain(String primary, String detail) {
        synchronized (this) {
            Primary p = require(primary);
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
        synchronized (this) {
            Primary p = require(primary);
            long since = p.epochHanded ? clock.getAsLong() - p.epochHandedAt : -1;
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

    // ---- operator commands ---------------------------------------------------------------------------------------

    /** Takes over now, fencing first; ignores the automatic-failover switch but not the stand-in limit. */
    public CommandVerdict forceFailover(String primary, String who) {
        return onPrimary(primary, who, "failover", p -> {
            PrimaryState s = p.machine.state();
            if (!Set.of(PROTECTED, DEGRADED, SUSPECT, FAILED, SYNCING).contains(s)) {
                return CommandVerdict.refused(primary + " is " + s + "; a forced failover needs it watched or failed");
            }
            if (standIns() >= policy.maxStandIns()) {
                return CommandVerdict.refused(standInLimit());
            }
            startTakeover(p, "forced-failover", "forced by " + who, false, Map.of());
            return CommandVerdict.accepted("forced failover of " + primary + " started");
        });
    }

    /** Planned handover: the primary drains, the standby catches up, then the takeover (zero writes lost). */
    public CommandVerdict switchover(String primary, String who) {
        return onPrimary(primary, who, "switchover", p -> {
            if (p.machine.state() != PROTECTED) {
                return CommandVerdict.refused(primary + " is " + p.machine.state() + "; a switchover needs PROTECTED "
                        + "(replicas in sync, every path up)");
            }
            if (standIns() >= policy.maxStandIns()) {
                return CommandVerdict.refused(standInLimit());
            }
            startTakeover(p, "switchover", "planned switchover by " + who, true, Map.of());
            return CommandVerdict.accepted("switchover of " + primary + " started");
        });
    }

    /** Returns the role to the repaired primary: it resyncs, the standby stops serving and hands back. */
    public CommandVerdict failback(String primary, String who) {
        return onPrimary(primary, who, "failback", p -> {
            if (p.machine.state() != STANDING_IN) {
                return CommandVerdict.refused(primary + " is " + p.machine.state() + "; failback needs STANDING_IN");
            }
            String reason = "failback by " + who;
            p.machine.transition(FAILING_BACK, reason, Map.of());
            out.publish(new ModelEvent.FailoverStarted(wall.instant(), primary, "failback", reason));
            out.later(() -> takeoverExecutor.execute(() -> failbackDone(p, runner.failback(p.target, reason))));
            return CommandVerdict.accepted("failback of " + primary + " started");
        });
    }

    /** Lets a fenced primary sync and serve again. */
    public CommandVerdict clearFence(String primary, String who) {
        return onPrimary(primary, who, "fence-clear", p -> {
            if (p.machine.state() != FENCED && !(p.machine.state() == FAILED && p.fencedByUs)) {
                return CommandVerdict.refused(primary + " is " + p.machine.state() + ", not fenced");
            }
            StepResult s = runner.clearFence(p.target);
            if (!s.ok()) {
                return CommandVerdict.refused("clearing the fence failed: " + s.detail());
            }
            p.fencedByUs = false;
            p.replicasConsistent = false;
            p.epochHanded = true;
            p.epochHandedAt = clock.getAsLong();
            out.clear(AlarmKind.FENCED, primary, "fence cleared by " + who);
            out.clear(AlarmKind.PRIMARY_FAILED, primary, "fence cleared by " + who);
            p.machine.transition(SYNCING, "fence cleared by " + who + "; resync before protection", Map.of());
            return CommandVerdict.accepted("fence of " + primary + " cleared: " + s.detail());
        });
    }

    /**
     * An operator command on one primary: run under the engine's lock (an unknown primary is refused), audited with
     * its outcome, then whatever it queued (alarms, events, a takeover) goes out.
     */
    private CommandVerdict onPrimary(String primary, String who, String action,
                                    java.util.function.Function<Primary, CommandVerdict> command) {
        CommandVerdict r;
        synchronized (this) {
            Primary p = primaries.get(primary);
            r = p == null ? CommandVerdict.refused("unknown primary " + primary) : command.apply(p);
            audit(who, action, primary, r);
        }
        out.flush();
        return r;
    }

    /** Why a further stand-in is refused, with the numbers. Caller holds the lock. */
    private String standInLimit() {
        return String.format("stand-in limit reached: standing in for %s (%d of %d)", standingInFor(), standIns(),
                policy.maxStandIns());
    }

    /**
     * The operator's switch: recorded durably first (so it survives a standby restart), then applied. If it cannot be
     * recorded it still applies now, and the answer says a restart would go back to the previous setting.
     */
    public CommandVerdict setAutoFailover(boolean on, String who) {
        CommandVerdict r;
        synchronized (this) {
            String unsaved = "";
            try {
                autoSwitch.record(on, who);
            } catch (IOException | RuntimeException e) {
                LOG.error("{}: cannot record automatic failover {} by {}: {}; applied in memory only, a standby "
                        + "restart goes back to the previous setting", self, on ? "on" : "off", who, e.toString());
                unsaved = " (NOT saved: " + e.getMessage() + "; a standby restart goes back to the previous setting)";
            }
            policy = policy.withAutoFailover(on);
            LOG.warn("{}: automatic failover switched {} by {}", self, on ? "ON" : "OFF (vault mode)", who);
            if (on) {
                out.clear(AlarmKind.AUTOSWITCH_OFF, self, "automatic failover on (by " + who + ")");
            } else {
                out.raise(AlarmKind.AUTOSWITCH_OFF, self, AlarmSeverity.WARNING, "automatic failover off (vault mode), set by " + who);
            }
            r = CommandVerdict.accepted("automatic failover " + (on ? "on" : "off") + unsaved);
            audit(who, "autoswitch " + (on ? "on" : "off"), self, r);
        }
        out.flush();
        return r;
    }

    // ---- takeover ------------------------------------------------------------------------------------------------

    private void startTakeover(Primary p, String kind, String reason, boolean planned, Map<String, Number> numbers) {
        String name = p.target.primary();
        p.machine.transition(FAILING_OVER, reason, numbers);
        long decidedAt = clock.getAsLong();
        boolean abortOnFencing = policy.abortOnFencingFailure();
        p.takeovers++;
        out.publish(new ModelEvent.FailoverStarted(wall.instant(), name, kind, reason));
        out.later(() -> takeoverExecutor.execute(() ->
                takeoverDone(p, kind, runner.takeover(p.target, kind, reason, planned, abortOnFencing), decidedAt)));
    }

    private void takeoverDone(Primary p, String kind, TakeoverRunner.Result r, long decidedAt) {
        String name = p.target.primary();
        synchronized (this) {
            p.lastTimeline = r.timeline();
            p.fencedByUs |= r.epochRaised();
            double total = (clock.getAsLong() - decidedAt) / 1e9;
            if (r.completed()) {
                out.clear(AlarmKind.PRIMARY_FAILED, name, kind + " completed");
                out.raise(AlarmKind.STANDING_IN, name, AlarmSeverity.MAJOR, String.format("the standby stands in for %s "
                        + "(%s in %.3f s); %s is unprotected until failback", name, kind, total, name));
                p.machine.transition(STANDING_IN, String.format("%s completed in %.3f s", kind, total),
                        Map.of("totalSeconds", total, "steps", r.timeline().steps().size()));
                out.publish(new ModelEvent.FailoverCompleted(wall.instant(), r.timeline()));
            } else if (r.beforeFencing()) {
                p.machine.transition(PROTECTED, kind + " stopped, primary keeps its role: " + r.failure(),
                        Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverFailed(wall.instant(), r.timeline(), r.failure()));
            } else {
                out.raise(AlarmKind.PRIMARY_FAILED, name, AlarmSeverity.CRITICAL, kind + " aborted: " + r.failure()
                        + (r.epochRaised() ? "; the primary is fenced (epoch raised)" : ""));
                p.machine.transition(FAILED, kind + " aborted: " + r.failure(), Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverFailed(wall.instant(), r.timeline(), r.failure()));
            }
        }
        out.flush();
    }

    private void failbackDone(Primary p, TakeoverRunner.Result r) {
        String name = p.target.primary();
        synchronized (this) {
            p.lastTimeline = r.timeline();
            double total = r.timeline().total().toNanos() / 1e9;
            if (r.completed()) {
                p.fencedByUs = false;
                p.epochHanded = true;
                p.epochHandedAt = clock.getAsLong();
                out.clear(AlarmKind.STANDING_IN, name, "failback completed");
                out.clear(AlarmKind.PRIMARY_REVIVED, name, "failback completed");
                p.machine.transition(PROTECTED, String.format("failback completed in %.3f s", total),
                        Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverCompleted(wall.instant(), r.timeline()));
            } else {
                PrimaryState to = r.beforeFencing() ? STANDING_IN : FAILED;
                out.raise(AlarmKind.FAILOVER_FAILED, name, AlarmSeverity.CRITICAL, "failback failed: " + r.failure()
                        + (to == FAILED ? "; nobody serves " + name + " now" : "; the standby still stands in"));
                p.machine.transition(to, "failback failed: " + r.failure(), Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverFailed(wall.instant(), r.timeline(), r.failure()));
            }
        }
        out.flush();
    }

    private int standIns() {
        return Primary.standingIn(primaries.values()).size();
    }

    private List<String> standingInFor() {
        return Primary.standingIn(primaries.values());
    }

    // ---- read side -----------------------------------------------------------------------------------------------

    public synchronized PrimaryState state(String primary) {
        return require(primary).machine.state();
    }

    public synchronized FailoverPolicy policy() {
        return policy;
    }

    public synchronized Optional<FailoverTimeline> lastTimeline(String primary) {
        return Optional.ofNullable(require(primary).lastTimeline);
    }

    /** Point-in-time view of every primary; {@code paths} supplies each one's health paths (the detector's). */
    public List<PrimarySnapshot> snapshot(Function<String, List<PathSnapshot>> paths) {
        List<PrimarySnapshot> states = new ArrayList<>();
        synchronized (this) {
            for (Primary p : primaries.values()) {
                states.add(new PrimarySnapshot(p.target.primary(), p.machine.state(), p.machine.cause(),
                        p.machine.since(), List.of(), p.lastTimeline, p.takeovers));
            }
        }
        // the detector has its own lock: ask it outside ours
        return states.stream().map(s -> new PrimarySnapshot(s.name(), s.state(), s.cause(), s.since(),
                paths.apply(s.name()), s.lastFailover(), s.failovers())).toList();
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    private Primary require(String primary) {
        Primary p = primaries.get(primary);
        if (p == null) {
            throw new IllegalArgumentException("unknown primary " + primary);
        }
        return p;
    }

    private void pathEvent(String node, String path, org.understudy.model.PathKind kind, PathState state,
                           long silentNanos) {
        out.publish(new ModelEvent.PathChanged(wall.instant(), node, path, kind, state,
                Duration.ofNanos(silentNanos)));
    }

    private void audit(String who, String command, String target, CommandVerdict r) {
        LOG.info("{}: operator {} ran {} on {}: {} ({})", self, who, command, target,
                r.accepted() ? "accepted" : "refused", r.message());
        out.publish(new ModelEvent.OperatorAction(wall.instant(), who, command, target, r.accepted(),
                r.message()));
    }
}
