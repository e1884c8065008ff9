package org.understudy.daemon;

import java.time.Duration;
import java.util.LinkedHashMap;
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
import org.understudy.failover.FailoverEngine;
import org.understudy.model.FailoverStep;

/**
 * The standby's operator commands, carried out by the failover engine. Takeovers, switchovers and failbacks run on
 * the engine's executor; the command waits (up to {@link #WAIT}) for the end and answers with the timeline, so an
 * operator sees at once whether it worked and how long each step took. Thread-safe.
 */
final class StandbyCommands implements CommandHandler {
    static final Duration WAIT = Duration.ofSeconds(25);

    private final String self;
    private final FailoverEngine engine;
    private final CompletionWaiters waiters;

    StandbyCommands(String self, FailoverEngine engine, CompletionWaiters waiters) {
        this.self = self;
        this.engine = engine;
        this.waiters = waiters;
    }

    @Override
    public CommandResult handle(Actor actor, Command command) {
        String who = actor.toString();
        return switch (command) {
            case Command.ForceFailover f -> sequence(f.primary(), p -> engine.forceFailover(p,
                    f.reason() == null || f.reason().isBlank() ? who : who + ": " + f.reason()));
            case Command.Switchover s -> sequence(s.primary(), p -> engine.switchover(p, who));
            case Command.Failback b -> sequence(b.primary(), p -> engine.failback(p, who));
            case Command.ClearFence c -> convert(engine.clearFence(c.primary(), who));
            case Command.SetAutoFailover a -> convert(engine.setAutoFailover(a.enabled(), who));
            case Command.SetThrottle t -> notYet(command);
            case Command.Verify v -> notYet(command);
            case Command.LinkTest l -> notYet(command);
        };
    }

    private CommandResult sequence(String primary, Function<String, org.understudy.failover.CommandResult> start) {
        CompletableFuture<CompletionWaiters.Outcome> end = waiters.expect(primary);
        org.understudy.failover.CommandResult r = start.apply(primary);
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
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", o.timeline().kind());
        details.put("totalMillis", o.timeline().total().toMillis());
        StringBuilder steps = new StringBuilder();
        for (FailoverStep s : o.timeline().steps()) {
            details.put("step." + s.name() + ".millis", s.duration().toMillis());
            // one line: faces such as SNMP carry the message as a single display string
            steps.append(String.format("%s%s %d ms %s (%s)", steps.isEmpty() ? " " : "; ", s.name(),
                    s.duration().toMillis(), s.outcome(), s.detail()));
        }
        String summary = String.format("%s of %s %s in %d ms:%s", o.timeline().kind(), primary,
                o.failure() == null ? "completed" : "FAILED (" + o.failure() + ")", o.timeline().total().toMillis(),
                steps);
        return o.failure() == null ? CommandResult.ok(summary, details)
                : new CommandResult(CommandResult.Status.FAILED, summary, details);
    }

    private CommandResult notYet(Command command) {
        return CommandResult.refused(command.name() + " is not served by standby " + self + " yet");
    }

    private static CommandResult convert(org.understudy.failover.CommandResult r) {
        return r.accepted() ? CommandResult.ok(r.message()) : CommandResult.refused(r.message());
    }
}
