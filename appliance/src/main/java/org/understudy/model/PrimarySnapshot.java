package org.understudy.model;

import java.time.Instant;
import java.util.List;

/**
 * The standby's view of one primary at a point in time.
 *
 * @param cause        why it entered {@code state}, with numbers
 * @param since        wall time of that transition
 * @param paths        its health paths
 * @param lastFailover the last takeover/switchover/failback timeline for it, or null if none yet
 * @param failovers    takeovers of this primary (automatic, forced or planned) since the standby started
 */
public record PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                              FailoverTimeline lastFailover, long failovers) {
    public PrimarySnapshot {
        paths = List.copyOf(paths);
    }

    /** A primary no takeover was counted for. */
    public PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                           FailoverTimeline lastFailover) {
        this(name, state, cause, since, paths, lastFailover, 0);
    }
}
