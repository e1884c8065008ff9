package org.understudy.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The record of one takeover (or switchover, failback): its steps with their durations and how it ended.
 *
 * @param kind      "failover", "forced-failover", "switchover" or "failback"
 * @param reason    why it started, with numbers ("2.04 s silent on link and production, probe failed")
 * @param startedAt wall time of the decision
 * @param total     THE duration of it, the one figure every face reports (alarm, trap, JMX, event log, status):
 *                  from the decision to serving (a takeover: the end of {@link #SERVING_STEP}; a failback: the
 *                  primary serving again, its last step; one that failed: its last step). Detection, the silence
 *                  before the decision, is not in it: the reason carries it.
 * @param completed true when every required step succeeded
 * @param detection how the failure was detected (the path taken and its facts) for an automatic failover; null for
 *                  an operator's action
 */
public record FailoverTimeline(String primary, String kind, String reason, Instant startedAt, List<FailoverStep> steps,
                               Duration total, boolean completed, FailureDetection detection) {
    /** The takeover step after which the standby serves the primary's volumes. */
    public static final String SERVING_STEP = "serve-volumes";

    public FailoverTimeline {
        steps = List.copyOf(steps);
    }

    /** A timeline of an operator's action: no detection. */
    public FailoverTimeline(String primary, String kind, String reason, Instant startedAt, List<FailoverStep> steps,
                            Duration total, boolean completed) {
        this(primary, kind, reason, startedAt, steps, total, completed, null);
    }

    /** The step called {@code name}, if it ran. */
    public java.util.Optional<FailoverStep> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
