package org.understudy.web.actions;

import java.time.Instant;
import java.util.List;
import org.understudy.command.CommandResult;
import org.understudy.model.FailoverStep;

/**
 * One action started from the console, as the pages show it: who, what, on what, the steps seen so far and, once
 * it ended, the command API's answer. Immutable snapshot; {@link Jobs} replaces it as the action progresses.
 *
 * @param result null while it runs
 */
public record Job(long id, String actor, String action, String target, Instant started, List<FailoverStep> steps,
                  CommandResult result, Instant ended) {
    public Job {
        steps = List.copyOf(steps);
    }

    public boolean running() {
        return result == null;
    }

    /** The primary it concerns: the first segment of the target. */
    public String primary() {
        int slash = target.indexOf('/');
        return slash < 0 ? target : target.substring(0, slash);
    }

    Job withSteps(List<FailoverStep> all) {
        return new Job(id, actor, action, target, started, all, result, ended);
    }

    Job finished(CommandResult r, Instant at) {
        return new Job(id, actor, action, target, started, steps, r, at);
    }
}
