package org.understudy.standby;

import java.util.function.Supplier;
import org.understudy.failover.FailbackSteps;
import org.understudy.failover.PlannedHandover;
import org.understudy.failover.StepResult;
import org.understudy.failover.TakeoverSteps;
import org.understudy.failover.TakeoverTarget;

/**
 * Hands the engine's step calls to {@link StandbySteps} once it exists: the engine is built before the replica
 * server (whose link activity feeds the detector the engine listens to), the steps after it. Thread-safe.
 */
record LazySteps(Supplier<StandbySteps> steps) implements TakeoverSteps, PlannedHandover, FailbackSteps {
    private StandbySteps s() {
        StandbySteps s = steps.get();
        if (s == null) {
            throw new IllegalStateException("standby still starting");
        }
        return s;
    }

    @Override
    public StepResult raiseEpoch(TakeoverTarget t) {
        return s().raiseEpoch(t);
    }

    @Override
    public StepResult runFencingScript(TakeoverTarget t, String kind, String reason) {
        return s().runFencingScript(t, kind, reason);
    }

    @Override
    public StepResult checkReplicas(TakeoverTarget t) {
        return s().checkReplicas(t);
    }

    @Override
    public StepResult awaitRelease(TakeoverTarget t) {
        return s().awaitRelease(t);
    }

    @Override
    public StepResult handRoleBack(TakeoverTarget t, String why) {
        return s().handRoleBack(t, why);
    }

    @Override
    public StepResult takeOverIdentity(TakeoverTarget t) {
        return s().takeOverIdentity(t);
    }

    @Override
    public StepResult serveVolumes(TakeoverTarget t) {
        return s().serveVolumes(t);
    }

    @Override
    public StepResult runFailoverHooks(TakeoverTarget t, String kind, String reason) {
        return s().runFailoverHooks(t, kind, reason);
    }

    @Override
    public StepResult releaseIdentity(TakeoverTarget t) {
        return s().releaseIdentity(t);
    }

    @Override
    public StepResult clearFence(TakeoverTarget t) {
        return s().clearFence(t);
    }

    @Override
    public StepResult drainPrimary(TakeoverTarget t) {
        return s().drainPrimary(t);
    }

    @Override
    public StepResult awaitCaughtUp(TakeoverTarget t) {
        return s().awaitCaughtUp(t);
    }

    @Override
    public StepResult resumePrimary(TakeoverTarget t) {
        return s().resumePrimary(t);
    }

    @Override
    public StepResult resyncPrimary(TakeoverTarget t) {
        return s().resyncPrimary(t);
    }

    @Override
    public StepResult stopServing(TakeoverTarget t) {
        return s().stopServing(t);
    }

    @Override
    public StepResult returnRole(TakeoverTarget t) {
        return s().returnRole(t);
    }
}
