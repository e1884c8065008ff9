package org.understudy.model;

import java.time.Duration;

/**
 * One timed step of a takeover, switchover or failback.
 *
 * @param name    fence, check-replicas, take-over-identity, serve-volumes, run-failover-commands, announce, ...
 * @param start   when it started, counted from the start of the timeline
 * @param outcome how it ended
 * @param detail  what happened (error text, command exit code)
 */
public record FailoverStep(String name, Duration start, Duration duration, Outcome outcome, String detail) {

    /** How a step ended. */
    public enum Outcome {
        OK,
        /** Failed, and the failure stops the sequence. */
        FAILED,
        /** Failed, but policy says carry on (e.g. a fencing command with abort-on-failure off). */
        FAILED_IGNORED,
        /** Not needed (e.g. no fencing command configured). */
        SKIPPED
    }
}
