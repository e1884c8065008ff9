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

/**
 * Times the steps of one takeover, switchover or failback with the injected clock and builds its
 * {@link FailoverTimeline}. A step that throws is recorded as failed with the exception. Used by one thread at a time.
 * Public for the other sequences timed the same way (a failover rehearsal).
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

    /** @param progress gets the timeline so far (not completed) at the start and after every step */
    public TimelineRecorder(String primary, String kind, String reason, LongSupplier clock, InstantSource wall,
                            Consumer<FailoverTimeline> progress) {
        this.primary = primary;
        this.kind = kind;
        this.reason = reason;
        this.clock = clock;
        this.startedAt = wall.instant();
        this.start = clock.getAsLong();
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

    public FailoverTimeline finish(boolean completed) {
        return new FailoverTimeline(primary, kind, reason, startedAt, steps, elapsed(), completed);
    }
}
