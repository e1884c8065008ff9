package org.understudy.failover;

import static org.understudy.model.PrimaryState.FAILED;
import static org.understudy.model.PrimaryState.FAILING_BACK;
import static org.understudy.model.PrimaryState.FAILING_OVER;
import static org.understudy.model.PrimaryState.PROTECTED;
import static org.understudy.model.PrimaryState.STANDING_IN;
import static org.understudy.model.PrimaryState.SYNCING;

import java.util.Map;
import java.util.concurrent.Executor;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.FailureDetection;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryState;

/**
 * The failover engine's sequences, whoever asked for them (a declared failure, a forced failover, a switchover, a
 * failback): the move into FAILING_OVER or FAILING_BACK, the launch of the {@link TakeoverRunner} on the takeover
 * executor, and the outcome taken back under the engine's lock (STANDING_IN, PROTECTED or FAILED, with alarms and the
 * timeline).
 *
 * <p>Thread-safe: {@link #start} and {@link #startFailback} are called under the {@link EngineState}'s monitor and only
 * queue the launch; the outcome takes that monitor itself, on the executor's thread.
 */
final class Takeovers {
    private final EngineState state;
    private final TakeoverRunner runner;
    private final Executor executor;

    Takeovers(EngineState state, TakeoverRunner runner, Executor executor) {
        this.state = state;
        this.runner = runner;
        this.executor = executor;
    }

    /** Starts a takeover of {@code p}; the caller holds the lock and flushes the outbox after releasing it. */
    void start(Primary p, String kind, String reason, boolean planned, Map<String, Number> numbers) {
        start(p, kind, reason, planned, numbers, null);
    }

    /** As {@link #start(Primary, String, String, boolean, Map)}; {@code detection} (null: an operator's) goes into
     *  the timeline. */
    void start(Primary p, String kind, String reason, boolean planned, Map<String, Number> numbers,
               FailureDetection detection) {
        String name = p.target.primary();
        p.machine.transition(FAILING_OVER, reason, numbers);
        long decidedAt = state.clock.getAsLong();
        boolean abortOnFencing = state.policy().abortOnFencingFailure();
        p.takeovers++;
        state.out.publish(new ModelEvent.FailoverStarted(state.wall.instant(), name, kind, reason));
        state.out.later(() -> executor.execute(() ->
                takeoverDone(p, kind, runner.takeover(p.target, kind, reason, planned, abortOnFencing, decidedAt,
                        detection))));
    }

    /** Starts returning the role to {@code p}; the caller holds the lock and flushes the outbox after releasing it. */
    void startFailback(Primary p, String reason) {
        p.machine.transition(FAILING_BACK, reason, Map.of());
        state.out.publish(new ModelEvent.FailoverStarted(state.wall.instant(), p.target.primary(), "failback", reason));
        long decidedAt = state.clock.getAsLong();
        state.out.later(() -> executor.execute(() -> failbackDone(p, runner.failback(p.target, reason, decidedAt))));
    }

    private void takeoverDone(Primary p, String kind, TakeoverRunner.Result r) {
        String name = p.target.primary();
        Outbox out = state.out;
        synchronized (state) {
            p.lastTimeline = r.timeline();
            p.running = null;
            p.lastTakeover = r.timeline();
            p.fencedByUs |= r.epochRaised();
            double total = r.timeline().total().toNanos() / 1e9; // the one figure every face reports
            if (r.completed()) {
                out.clear(AlarmKind.PRIMARY_FAILED, name, kind + " completed");
                out.clear(AlarmKind.FAILOVER_FAILED, name, kind + " completed");
                out.raise(AlarmKind.STANDING_IN, name, AlarmSeverity.MAJOR, String.format("the standby stands in for "
                        + "%s (%s in %.3f s); %s is unprotected until failback", name, kind, total, name));
                p.machine.transition(STANDING_IN, String.format("%s completed in %.3f s", kind, total),
                        Map.of("totalSeconds", total, "steps", r.timeline().steps().size()));
                out.publish(new ModelEvent.FailoverCompleted(state.wall.instant(), r.timeline()));
            } else if (r.beforeFencing()) {
                p.machine.transition(PROTECTED, kind + " stopped, primary keeps its role: " + r.failure(),
                        Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverFailed(state.wall.instant(), r.timeline(), r.failure()));
            } else if (r.roleReturned()) {
                // the fence is lifted and the primary serves again at the standby's epoch, as after a fence-clear
                p.fencedByUs = false;
                p.replicasConsistent = false;
                p.epochHanded = true;
                p.epochHandedAt = state.clock.getAsLong();
                out.raise(AlarmKind.FAILOVER_FAILED, name, AlarmSeverity.MAJOR, kind + " of " + name + " FAILED: "
                        + r.failure());
                p.machine.transition(SYNCING, kind + " failed, role handed back: " + r.failure(),
                        Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverFailed(state.wall.instant(), r.timeline(), r.failure()));
            } else {
                out.raise(AlarmKind.PRIMARY_FAILED, name, AlarmSeverity.CRITICAL, kind + " aborted: " + r.failure()
                        + (r.epochRaised() ? "; the primary is fenced (epoch raised)" : ""));
                p.machine.transition(FAILED, kind + " aborted: " + r.failure(), Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverFailed(state.wall.instant(), r.timeline(), r.failure()));
            }
        }
        out.flush();
    }

    private void failbackDone(Primary p, TakeoverRunner.Result r) {
        String name = p.target.primary();
        Outbox out = state.out;
        synchronized (state) {
            p.lastTimeline = r.timeline();
            p.running = null;
            double total = r.timeline().total().toNanos() / 1e9;
            if (r.completed()) {
                p.fencedByUs = false;
                p.epochHanded = true;
                p.epochHandedAt = state.clock.getAsLong();
                out.clear(AlarmKind.STANDING_IN, name, "failback completed");
                out.clear(AlarmKind.PRIMARY_REVIVED, name, "failback completed");
                p.machine.transition(PROTECTED, String.format("failback completed in %.3f s", total),
                        Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverCompleted(state.wall.instant(), r.timeline()));
            } else {
                PrimaryState to = r.beforeFencing() ? STANDING_IN : FAILED;
                out.raise(AlarmKind.FAILOVER_FAILED, name, AlarmSeverity.CRITICAL, "failback failed: " + r.failure()
                        + (to == FAILED ? "; nobody serves " + name + " now" : "; the standby still stands in"));
                p.machine.transition(to, "failback failed: " + r.failure(), Map.of("totalSeconds", total));
                out.publish(new ModelEvent.FailoverFailed(state.wall.instant(), r.timeline(), r.failure()));
            }
        }
        out.flush();
    }
}
