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
 */
public record PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                              FailoverTimeline lastFailover) {
    public PrimarySnapshot {
        paths = List.copyOf(paths);
    }
}
