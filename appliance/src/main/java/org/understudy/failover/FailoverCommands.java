package org.understudy.failover;

import static org.understudy.model.PrimaryState.DEGRADED;
import static org.understudy.model.PrimaryState.FAILED;
import static org.understudy.model.PrimaryState.FENCED;
import static org.understudy.model.PrimaryState.PROTECTED;
import static org.understudy.model.PrimaryState.STANDING_IN;
import static org.understudy.model.PrimaryState.SUSPECT;
import static org.understudy.model.PrimaryState.SYNCING;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryState;

/**
 * The operator's commands to the failover engine (get it from {@link FailoverEngine#commands()}): forced failover,
 * planned switchover, failback, fence clearing and the automatic-failover switch. Each checks the primary's state
 * under the engine's lock, answers with a {@link CommandVerdict}, and is audited with who asked and the outcome; the
 * sequences it starts run on the takeover executor ({@link Takeovers}).
 *
 * <p>Thread-safe: decisions are taken under the engine's lock; what they queue goes out after it is released.
 */
public final class FailoverCommands {
    private static final Logger LOG = LogManager.getLogger(FailoverCommands.class);

    private final EngineState state;
    private final Takeovers takeovers;
    private final TakeoverRunner runner;
    private final AutoSwitchRecorder autoSwitch;

    FailoverCommands(EngineState state, Takeovers takeovers, TakeoverRunner runner, AutoSwitchRecorder autoSwitch) {
        this.state = state;
        this.takeovers = takeovers;
        this.runner = runner;
        this.autoSwitch = autoSwitch;
    }

    /** Takes over now, fencing first; ignores the automatic-failover switch but not the stand-in limit. */
    public CommandVerdict forceFailover(String primary, String who) {
        return onPrimary(primary, who, "failover", p -> {
            PrimaryState s = p.machine.state();
            if (!Set.of(PROTECTED, DEGRADED, SUSPECT, FAILED, SYNCING).contains(s)) {
                return CommandVerdict.refused(primary + " is " + s + "; a forced failover needs it watched or failed");
            }
            if (state.standIns() >= state.policy().maxStandIns()) {
                return CommandVerdict.refused(state.standInLimit());
            }
            takeovers.start(p, "forced-failover", "forced by " + who, false, Map.of());
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
            if (state.standIns() >= state.policy().maxStandIns()) {
                return CommandVerdict.refused(state.standInLimit());
            }
            takeovers.start(p, "switchover", "planned switchover by " + who, true, Map.of());
            return CommandVerdict.accepted("switchover of " + primary + " started");
        });
    }

    /** Returns the role to the repaired primary: it resyncs, the standby stops serving and hands back. */
    public CommandVerdict failback(String primary, String who) {
        return onPrimary(primary, who, "failback", p -> {
            if (p.machine.state() != STANDING_IN) {
                return CommandVerdict.refused(primary + " is " + p.machine.state() + "; failback needs STANDING_IN");
            }
            takeovers.startFailback(p, "failback by " + who);
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
            p.epochHandedAt = state.clock.getAsLong();
            state.out.clear(AlarmKind.FENCED, primary, "fence cleared by " + who);
            state.out.clear(AlarmKind.PRIMARY_FAILED, primary, "fence cleared by " + who);
            p.machine.transition(SYNCING, "fence cleared by " + who + "; resync before protection", Map.of());
            return CommandVerdict.accepted("fence of " + primary + " cleared: " + s.detail());
        });
    }

    /**
     * The operator's switch: recorded durably first (so it survives a standby restart), then applied. If it cannot be
     * recorded it still applies now, and the answer says a restart would go back to the previous setting.
     */
    public CommandVerdict setAutoFailover(boolean on, String who) {
        CommandVerdict r;
        String self = state.self;
        synchronized (state) {
            String unsaved = "";
            try {
                autoSwitch.record(on, who);
            } catch (IOException | RuntimeException e) {
                LOG.error("{}: cannot record automatic failover {} by {}: {}; applied in memory only, a standby "
                        + "restart goes back to the previous setting", self, on ? "on" : "off", who, e.toString());
                unsaved = " (NOT saved: " + e.getMessage() + "; a standby restart goes back to the previous setting)";
            }
            state.policy(state.policy().withAutoFailover(on));
            state.policyOrigin("the operator's last choice (" + (on ? "on" : "off") + " by " + who + " at "
                    + state.wall.instant() + (unsaved.isEmpty() ? ", saved" : ", not saved") + ")");
            LOG.warn("{}: automatic failover switched {} by {}", self, on ? "ON" : "OFF (vault mode)", who);
            if (on) {
                state.out.clear(AlarmKind.AUTOSWITCH_OFF, self, "automatic failover on (by " + who + ")");
            } else {
                state.out.raise(AlarmKind.AUTOSWITCH_OFF, self, AlarmSeverity.WARNING,
                        "automatic failover off (vault mode), set by " + who);
            }
            r = CommandVerdict.accepted("automatic failover " + (on ? "on" : "off") + unsaved);
            audit(who, "autoswitch " + (on ? "on" : "off"), self, r);
        }
        state.out.flush();
        return r;
    }

    /**
     * An operator command on one primary: run under the engine's lock (an unknown primary is refused), audited with
     * its outcome, then whatever it queued (alarms, events, a takeover) goes out.
     */
    private CommandVerdict onPrimary(String primary, String who, String action,
                                     Function<Primary, CommandVerdict> command) {
        CommandVerdict r;
        synchronized (state) {
            Primary p = state.find(primary);
            r = p == null ? CommandVerdict.refused("unknown primary " + primary) : command.apply(p);
            audit(who, action, primary, r);
        }
        state.out.flush();
        return r;
    }

    private void audit(String who, String command, String target, CommandVerdict r) {
        LOG.info("{}: operator {} ran {} on {}: {} ({})", state.self, who, command, target,
                r.accepted() ? "accepted" : "refused", r.message());
        state.out.publish(new ModelEvent.OperatorAction(state.wall.instant(), who, command, target, r.accepted(),
                r.message()));
    }
}
