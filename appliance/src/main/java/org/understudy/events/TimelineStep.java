package org.understudy.events;

import java.time.Duration;
import java.util.Objects;

/**
 * One timed step of a failover, switchover or failback (fence, check replicas, take identity, serve, run commands,
 * announce), as stored in a {@link org.understudy.model.EventKind#FAILOVER_TIMELINE} row. Immutable.
 *
 * @param name    step name, e.g. {@code fence}
 * @param took    how long it ran (monotonic clock)
 * @param outcome {@code ok}, {@code skipped}, or what went wrong
 */
public record TimelineStep(String name, Duration took, String outcome) {
    public TimelineStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(took, "took");
        outcome = outcome == null ? "ok" : outcome;
    }
}
