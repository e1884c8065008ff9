package org.understudy.failover;

import org.understudy.model.FailoverStep;

/** What one takeover/failback step reports: its outcome and a detail with numbers for the timeline. */
public record StepResult(FailoverStep.Outcome outcome, String detail) {
    public static StepResult ok(String detail) {
        return new StepResult(FailoverStep.Outcome.OK, detail);
    }

    public static StepResult failed(String detail) {
        return new StepResult(FailoverStep.Outcome.FAILED, detail);
    }

    public static StepResult skipped(String detail) {
        return new StepResult(FailoverStep.Outcome.SKIPPED, detail);
    }

    public boolean ok() {
        return outcome == FailoverStep.Outcome.OK || outcome == FailoverStep.Outcome.SKIPPED;
    }
}
