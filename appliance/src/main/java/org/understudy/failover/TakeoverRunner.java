package org.understudy.failover;

import java.time.InstantSource;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;

/**
 * Runs the step sequences of a takeover (optionally planned) and of a failback, each step timed into a timeline.
 * Stateless apart from its collaborators; thread-safe if they are.
 */
final class TakeoverRunner {

    /**
     * How a sequence ended.
     *
     * @param epochRaised   the old primary is fenced by epoch (even if the takeover then stopped)
     * @param beforeFencing a planned switchover stopped before fencing: the primary keeps its role
     * @param failure       why it stopped, or null when completed
     * @param roleReturned  the takeover stopped after the fence but the primary answered and was handed its role
     *                      back: it serves again, the fence is lifted
     */
    record Result(FailoverTimeline timeline, boolean epochRaised, boolean beforeFencing, String failure,
                  boolean roleReturned) {
        Result(FailoverTimeline timeline, boolean epochRaised, boolean beforeFencing, String failure) {
            this(timeline, epochRaised, beforeFencing, failure, false);
        }

        boolean completed() {
            return failure == null;
        }
    }

    private final LongSupplier clock;
    private final InstantSource wall;
    private final TakeoverSteps steps;
    private final PlannedHandover handover;
    private final FailbackSteps failback;
    private final BiConsumer<String, FailoverTimeline> progress;

    /** @param progress gets each primary's running timeline as it grows (for operators who watch it happen) */
    TakeoverRunner(LongSupplier clock, InstantSource wall, TakeoverSteps steps, PlannedHandover handover,
                   FailbackSteps failback, BiConsumer<String, FailoverTimeline> progress) {
        this.progress = progress;
        this.clock = clock;
        this.wall = wall;
        this.steps = steps;
        this.handover = handover;
        this.failback = failback;
    }

    /**
     * @param decidedAt monotonic time of the engine's decision: the timeline counts from it
     * @param detection how the failure was detected (an automatic failover), or null
     */
    Result takeover(TakeoverTarget t, String kind, String reason, boolean planned, boolean abortOnFencingFailure,
                    long decidedAt, FailureDetection detection) {
        TimelineRecorder rec = new TimelineRecorder(t.primary(), kind, reason, clock, wall, decidedAt, detection,
                tl -> progress.accept(t.primary(), tl));
        if (planned) {
            StepResult drain = rec.run("drain-primary", () -> handover.drainPrimary(t));
            StepResult caught = drain.ok() ? rec.run("catch-up", () -> handover.awaitCaughtUp(t)) : drain;
            if (!caught.ok()) {
                rec.run("resume-primary", () -> handover.resumePrimary(t));
                return new Result(rec.finish(false), false, true,
                        "switchover stopped before fencing: " + caught.detail());
            }
        }
        StepResult epoch = rec.run("fence-epoch", () -> steps.raiseEpoch(t));
        if (!epoch.ok()) {
            return new Result(rec.finish(false), false, false, "could not raise the epoch: " + epoch.detail());
        }
        StepResult fencing = rec.run("fence-command", () -> steps.runFencingScript(t, kind, reason));
        if (!fencing.ok()) {
            if (abortOnFencingFailure) {
                return handBack(rec, t, kind, "fencing command failed: " + fencing.detail());
            }
            rec.ignoreLastFailure();
        }
        StepResult check = rec.run("check-replicas", () -> steps.checkReplicas(t));
        if (!check.ok()) {
            return handBack(rec, t, kind, "replicas not fit to serve, refused: " + check.detail());
        }
        StepResult release = rec.run("await-release", () -> steps.awaitRelease(t));
        if (!release.ok()) {
            return handBack(rec, t, kind, "the old primary did not let go of its address: " + release.detail());
        }
        StepResult identity = rec.run("take-over-identity", () -> steps.takeOverIdentity(t));
        if (!identity.ok()) {
            return handBack(rec, t, kind, "could not take the address: " + identity.detail());
        }
        StepResult serve = rec.run("serve-volumes", () -> steps.serveVolumes(t));
        if (!serve.ok()) {
            rec.run("release-identity", () -> steps.releaseIdentity(t));
            return new Result(rec.finish(false), true, false, "could not serve the volumes: " + serve.detail());
        }
        StepResult hooks = rec.run("run-failover-commands", () -> steps.runFailoverHooks(t, kind, reason));
        if (!hooks.ok()) {
            // the volumes are already served: stopping now would hurt clients more than a failed hook
            rec.ignoreLastFailure();
        }
        return new Result(rec.finish(true), true, false, null);
    }

    /**
     * The takeover stopped after the fence and before the standby served anything: nobody would serve the volumes,
     * so a primary that still answers gets its role back (recorded as a step of its own); one that does not stays
     * fenced and the failure stands.
     */
    private Result handBack(TimelineRecorder rec, TakeoverTarget t, String kind, String failure) {
        StepResult back = rec.run("hand-back", () -> steps.handRoleBack(t, kind + " stopped: " + failure));
        if (back.ok()) {
            return new Result(rec.finish(false), false, false, failure + "; " + t.primary()
                    + " keeps its role: " + back.detail(), true);
        }
        return new Result(rec.finish(false), true, false, failure + "; " + back.detail());
    }

    Result failback(TakeoverTarget t, String reason, long decidedAt) {
        TimelineRecorder rec = new TimelineRecorder(t.primary(), "failback", reason, clock, wall, decidedAt, null,
                tl -> progress.accept(t.primary(), tl));
        StepResult resync = rec.run("resync-primary", () -> failback.resyncPrimary(t));
        if (!resync.ok()) {
            return new Result(rec.finish(false), true, true, "primary resync failed: " + resync.detail());
        }
        StepResult stop = rec.run("stop-serving", () -> failback.stopServing(t));
        if (!stop.ok()) {
            return new Result(rec.finish(false), true, true, "standby could not stop serving: " + stop.detail());
        }
        StepResult release = rec.run("release-identity", () -> failback.releaseIdentity(t));
        StepResult role = release.ok() ? rec.run("return-role", () -> failback.returnRole(t)) : release;
        if (!role.ok()) {
            // the standby no longer serves; the primary must finish taking its role, so report it loudly
            return new Result(rec.finish(false), true, false, "hand-back incomplete: " + role.detail());
        }
        return new Result(rec.finish(true), false, false, null);
    }

    StepResult clearFence(TakeoverTarget t) {
        try {
            StepResult r = steps.clearFence(t);
            return r == null ? StepResult.failed("step returned nothing") : r;
        } catch (RuntimeException e) {
            return StepResult.failed("threw " + e);
        }
    }
}
