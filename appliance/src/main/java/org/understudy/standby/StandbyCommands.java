package org.understudy.standby;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandHandler;
import org.understudy.command.CommandResult;
import org.understudy.failover.CommandVerdict;
import org.understudy.failover.FailoverCommands;
import org.understudy.model.FailoverStep;

/**
 * The standby's operator commands, carried out by the failover engine's {@link FailoverCommands}. Takeovers,
 * switchovers and failbacks run on the engine's executor; the command waits (up to {@link #WAIT}) for the end and
 * answers with the timeline, so an operator sees at once whether it worked and how long each step took. The commands a
 * primary carries out (caps, verify, link test) go on to that primary, since the standby answers for the whole cluster
 * on SNMP and JMX; a cap without a primary goes to every primary. Thread-safe.
 */
final class StandbyCommands implements CommandHandler {
    static final Duration WAIT = Duration.ofSeconds(25);

    private final String self;
    private final FailoverCommands failover;
    private final CompletionWaiters waiters;
    private final List<String> primaries;
    private final PrimaryForwarder forwarder;
    private final CapsView caps;
    private final UtilityCommands utility;

    StandbyCommands(String self, FailoverCommands failover, CompletionWaiters waiters, List<String> primaries,
                    PrimaryForwarder forwarder, CapsView caps) {
        this(self, failover, waiters, primaries, forwarder, caps, null);
    }

    /** @param utility the snapshot and rehearsal commands (null: refused, a standby without them) */
    StandbyCommands(String self, FailoverCommands failover, CompletionWaiters waiters, List<String> primaries,
                    PrimaryForwarder forwarder, CapsView caps, UtilityCommands utility) {
        this.utility = utility;
        this.self = self;
        this.failover = failover;
        this.waiters = waiters;
        this.primaries = List.copyOf(primaries);
        this.forwarder = forwarder;
        this.caps = caps;
    }

    @Override
    public CommandResult handle(Actor actor, Command command) {
        String who = actor.toString();
        String named = named(command);
        if (named != null && !primaries.contains(named)) {
            return unknownPrimary(named);
        }
        return switch (command) {
            case Command.ForceFailover f -> sequence(f.primary(), p -> failover.forceFailover(p,
                    f.reason() == null || f.reason().isBlank() ? who : who + ": " + f.reason()));
            case Command.Switchover s -> sequence(s.primary(), p -> failover.switchover(p, who));
            case Command.Failback b -> sequence(b.primary(), p -> failover.failback(p, who));
            case Command.ClearFence c -> convert(failover.clearFence(c.primary(), who));
            case Command.SetAutoFailover a -> convert(failover.setAutoFailover(a.enabled(), who));
            case Command.SetThrottle t -> t.primary() == null ? throttleEveryPrimary(actor, t) : throttle(actor, t.primary(), t);
            case Command.Verify v -> forward(actor, v.primary(), v);
            case Command.LinkTest l -> forward(actor, l.primary(), l);
            case Command.CreateSnapshot c -> utility(actor, c);
            case Command.DeleteSnapshot d -> utility(actor, d);
            case Command.Rehearse r -> utility(actor, r);
        };
    }

    private CommandResult utility(Actor actor, Command c) {
        return utility == null ? CommandResult.refused(c.name() + " is not available on " + self)
                : utility.handle(actor, c);
    }

    /** The primary a command names, or null (a cluster-wide command). */
    private static String named(Command command) {
        return switch (command) {
            case Command.ForceFailover f -> f.primary();
            case Command.Switchover s -> s.primary();
            case Command.Failback b -> b.primary();
            case Command.ClearFence c -> c.primary();
            case Command.SetThrottle t -> t.primary();
            case Command.Verify v -> v.primary();
            case Command.LinkTest l -> l.primary();
            case Command.CreateSnapshot c -> c.primary();
            case Command.DeleteSnapshot d -> d.primary();
            case Command.Rehearse r -> r.primary();
            case Command.SetAutoFailover a -> null;
        };
    }

    private CommandResult unknownPrimary(String primary) {
        return CommandResult.unknown("\"" + primary + "\" is not a primary of this cluster (primaries: "
                + String.join(", ", primaries) + ")");
    }

    private CommandResult forward(Actor actor, String primary, Command command) {
        if (!primaries.contains(primary)) {
            return unknownPrimary(primary);
        }
        return forwarder.forward(actor, primary, command);
    }

    private CommandResult throttle(Actor actor, String primary, Command.SetThrottle t) {
        CommandResult r = forward(actor, primary, t);
        caps.confirmed(primary, t, r);
        return r;
    }

    /** A global cap: each primary enforces it on its own links, so each is asked; OK only if every one applied it. */
    private CommandResult throttleEveryPrimary(Actor actor, Command.SetThrottle t) {
        List<String> lines = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        CommandResult.Status worst = CommandResult.Status.OK;
        for (String p : primaries) {
            CommandResult r = throttle(actor, p, t);
            lines.add(p + ": " + r.status() + " " + r.message());
            details.put(p + ".status", r.status().name());
            if (r.status().compareTo(worst) > 0) {
                worst = r.status();
            }
        }
        return new CommandResult(worst, String.join("; ", lines), details);
    }

    private CommandResult sequence(String primary, Function<String, CommandVerdict> start) {
        CompletableFuture<CompletionWaiters.Outcome> end = waiters.expect(primary);
        CommandVerdict r = start.apply(primary);
        if (!r.accepted()) {
            waiters.forget(primary, end);
            return CommandResult.refused(r.message());
        }
        CompletionWaiters.Outcome o;
        try {
            o = end.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            waiters.forget(primary, end);
            return CommandResult.ok(r.message() + "; still running after " + WAIT.toSeconds()
                    + " s, see status and events");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandResult.failed("interrupted while waiting for " + primary);
        } catch (ExecutionException e) {
            return CommandResult.failed(e.getCause().toString());
        }
        return timelineResult(primary, o.timeline(), o.failure());
    }

    /** A takeover-like sequence as a command result: one line of steps, and each step's time in the details. */
    static CommandResult timelineResult(String primary, org.understudy.model.FailoverTimeline timeline,
                                        String failure) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", timeline.kind());
        details.put("totalMillis", timeline.total().toMillis());
        StringBuilder steps = new StringBuilder();
        for (FailoverStep s : timeline.steps()) {
            details.put("step." + s.name() + ".millis", s.duration().toMillis());
            // one line: faces such as SNMP carry the message as a single display string
            steps.append(String.format("%s%s %d ms %s (%s)", steps.isEmpty() ? " " : "; ", s.name(),
                    s.duration().toMillis(), s.outcome(), s.detail()));
        }
        String summary = String.format("%s of %s %s in %d ms:%s", timeline.kind(), primary,
                failure == null ? "completed" : "FAILED (" + failure + ")", timeline.total().toMillis(), steps);
        return failure == null ? CommandResult.ok(summary, details)
                : new CommandResult(CommandResult.Status.FAILED, summary, details);
    }

    private static CommandResult convert(CommandVerdict r) {
        return r.accepted() ? CommandResult.ok(r.message()) : CommandResult.refused(r.message());
    }
}
