package org.understudy.failover;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;

/**
 * Times the steps of one takeover, switchover or failback with the injected clock and builds its
 * {@link FailoverTimeline}: every step from the decision, and the one duration every face reports
 * ({@link FailoverTimeline#total}: decision to serving). A step that throws is recorded as failed with the exception.
 * Used by one thread at a time. Public for the other sequences timed the same way (a failover rehearsal).
 */
public final class TimelineRecorder {
    private static final Logger LOG = LogManager.getLogger(TimelineRecorder.class);

    private final String primary;
    private final String kind;
    private final String reason;
    private final LongSupplier clock;
    private final Instant startedAt;
    private final long start;
    private final List<FailoverStep> steps = new ArrayList<>();
    private final Consumer<FailoverTimeline> progress;
    private final FailureDetection detection;

    /**
     * A sequence decided now.
     *
     * @param progress gets the timeline so far (not completed) at the start and after every step
     */
    public TimelineRecorder(String primary, String kind, String reason, LongSupplier clock, InstantSource wall,
                            Consumer<FailoverTimeline> progress) {
        this(primary, kind, reason, clock, wall, clock.getAsLong(), null, progress);
    }

    /**
     * @param decidedAt the monotonic time of the decision (the engine's, before the sequence waited for its thread):
     *                  steps and the total count from it
     * @param detection how the failure was detected, or null (an operator's action)
     * @param progress  gets the timeline so far (not completed) at the start and after every step
     */
    TimelineRecorder(String primary, String kind, String reason, LongSupplier clock, InstantSource wall,
                     long decidedAt, FailureDetection detection, Consumer<FailoverTimeline> progress) {
        this.detection = detection;
        this.primary = primary;
        this.kind = kind;
        this.reason = reason;
        this.clock = clock;
        this.start = decidedAt;
        this.startedAt = wall.instant().minusNanos(Math.max(0, clock.getAsLong() - decidedAt));
        this.progress = progress;
        progress.accept(finish(false));
    }

    public StepResult run(String name, Supplier<StepResult> step) {
        long t0 = clock.getAsLong();
        StepResult r;
        try {
            r = step.get();
            if (r == null) {
                r = StepResult.failed("step returned nothing");
            }
        } catch (RuntimeException e) {
            r = StepResult.failed("threw " + e);
        }
        long t1 = clock.getAsLong();
        steps.add(new FailoverStep(name, Duration.ofNanos(t0 - start), Duration.ofNanos(t1 - t0), r.outcome(),
                r.detail()));
        progress.accept(finish(false));
        if (r.ok()) {
            LOG.info("{}: {} step {} {} in {} ms: {}", primary, kind, name, r.outcome(), (t1 - t0) / 1_000_000,
                    r.detail());
        } else {
            LOG.error("{}: {} step {} FAILED in {} ms: {}", primary, kind, name, (t1 - t0) / 1_000_000, r.detail());
        }
        return r;
    }

    /** Marks the last step's failure as ignored by policy. */
    void ignoreLastFailure() {
        FailoverStep s = steps.removeLast();
        steps.add(new FailoverStep(s.name(), s.start(), s.duration(), FailoverStep.Outcome.FAILED_IGNORED,
                s.detail() + " (ignored by policy)"));
    }

    Duration elapsed() {
        return Duration.ofNanos(clock.getAsLong() - start);
    }

    /**
     * The timeline; its total runs from the decision to the end of {@link FailoverTimeline#SERVING_STEP} when that
     * step served (a takeover: later steps such as the failover hooks run while clients are already served), else to
     * the end of the last step.
     */
    public FailoverTimeline finish(boolean completed) {
        Duration total = steps.stream().filter(s -> s.name().equals(FailoverTimeline.SERVING_STEP)
                        && s.outcome() == FailoverStep.Outcome.OK).map(s -> s.start().plus(s.duration())).findFirst()
                .orElseGet(this::elapsed);
        return new FailoverTimeline(primary, kind, reason, startedAt, steps, total, completed, detection);
    }
}
