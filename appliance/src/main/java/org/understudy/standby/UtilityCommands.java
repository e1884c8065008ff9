package org.understudy.standby;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.SnapshotKind;
import org.understudy.snapshot.SnapshotInfo;
import org.understudy.utility.Rehearsal;
import org.understudy.utility.SnapshotRefused;
import org.understudy.utility.SnapshotService;

/**
 * The standby's utility-server commands: create and delete snapshots, run a failover rehearsal. A refusal (no such
 * primary, a replica mid-resync, the primary's own address) is REFUSED with the reason; an I/O failure is FAILED.
 * Thread-safe (the service and the rehearsal are).
 */
final class UtilityCommands {
    private final SnapshotService snapshots;
    private final Rehearsal rehearsal;

    UtilityCommands(SnapshotService snapshots, Rehearsal rehearsal) {
        this.snapshots = snapshots;
        this.rehearsal = rehearsal;
    }

    CommandResult handle(Actor actor, Command command) {
        try {
            return switch (command) {
                case Command.CreateSnapshot c -> created(snapshots.create(c.primary(), c.volume(), c.snapshot(),
                        SnapshotKind.MANUAL, java.util.List.of(), actor.toString()));
                case Command.DeleteSnapshot d -> {
                    long freed = snapshots.delete(d.primary(), d.volume(), d.snapshot(), "deleted by " + actor);
                    yield CommandResult.ok("snapshot " + d.snapshot() + " of " + (d.volume() == null ? d.primary()
                            : d.primary() + "/" + d.volume()) + " deleted; " + freed + " bytes freed",
                            Map.of("bytesFreed", freed));
                }
                case Command.Rehearse r -> rehearsed(r, rehearsal.run(r.primary(), r.address(),
                        Duration.ofSeconds(r.holdSeconds()), actor.toString()));
                default -> CommandResult.refused(command.name() + " is not a utility command");
            };
        } catch (SnapshotRefused e) {
            return CommandResult.refused(e.getMessage());
        } catch (IOException e) {
            return CommandResult.failed(command.name() + " failed: " + e.getMessage());
        }
    }

    private static CommandResult created(SnapshotInfo i) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("snapshot", i.name());
        details.put("created", i.created().toString());
        details.put("cut", i.primaryCut() ? "primary" : "standby");
        details.put("exports", i.members().keySet().stream()
                .map(v -> org.understudy.model.SnapshotEntry.exportName(i.primary(), v, i.name())).toList());
        return CommandResult.ok("snapshot " + i.name() + " of " + i.primary() + " " + i.members().keySet() + " taken ("
                + (i.primaryCut() ? "a point of " + i.primary() + "'s write stream" : "the standby's own cut") + ")",
                details);
    }

    private static CommandResult rehearsed(Command.Rehearse r, FailoverTimeline t) {
        String failure = t.completed() ? null : t.steps().stream().filter(s -> s.outcome() == FailoverStep.Outcome.FAILED)
                .map(FailoverStep::detail).findFirst().orElse("a step failed");
        return StandbyCommands.timelineResult(r.primary(), t, failure);
    }
}
