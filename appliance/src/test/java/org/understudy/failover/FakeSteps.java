package org.understudy.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.understudy.transport.FakeClock;

/**
 * Test implementation of every takeover, switchover and failback step: records the calls, takes a fixed time per
 * step on the fake clock, and fails a step when the test says so.
 */
final class FakeSteps implements TakeoverSteps, PlannedHandover, FailbackSteps {
    final List<String> calls = new ArrayList<>();
    final Map<String, String> failures = new HashMap<>();
    final Map<String, Map<String, String>> environments = new HashMap<>();
    private final Map<String, Runnable> hooks = new java.util.concurrent.ConcurrentHashMap<>();
    private final Runnable stepCost;
    /** Whether a primary still answers (its admin API): a live one is handed its role back after a failed takeover. */
    volatile java.util.function.Predicate<String> answers = p -> true;

    /** Each step advances {@code clock} by {@code perStep}. */
    FakeSteps(FakeClock clock, Duration perStep) {
        this(() -> clock.advance(perStep));
    }

    /** Each step runs {@code stepCost} (nothing, over real time). */
    FakeSteps(Runnable stepCost) {
        this.stepCost = stepCost;
    }

    /** Runs {@code action} inside step {@code name}, while the sequence is under way. */
    FakeSteps during(String name, Runnable action) {
        hooks.put(name, action);
        return this;
    }

    /** Makes step {@code name} fail with {@code detail}. */
    FakeSteps fail(String name, String detail) {
        failures.put(name, detail);
        return this;
    }

    private synchronized StepResult step(String name, TakeoverTarget t) {
        calls.add(name + ":" + t.primary());
        stepCost.run();
        Runnable hook = hooks.remove(name);
        if (hook != null) {
            hook.run();
        }
        String f = failures.get(name);
        return f == null ? StepResult.ok(name + " done") : StepResult.failed(f);
    }

    List<String> callsFor(String primary) {
        synchronized (this) {
            return calls.stream().filter(c -> c.endsWith(":" + primary)).map(c -> c.substring(0, c.indexOf(':')))
                    .toList();
        }
    }

    @Override
    public StepResult raiseEpoch(TakeoverTarget t) {
        return step("raiseEpoch", t);
    }

    @Override
    public StepResult runFencingScript(TakeoverTarget t, String kind, String reason) {
        return step("runFencingScript", t);
    }

    @Override
    public StepResult checkReplicas(TakeoverTarget t) {
        return step("checkReplicas", t);
    }

    @Override
    public StepResult awaitRelease(TakeoverTarget t) {
        return step("awaitRelease", t);
    }

    @Override
    public StepResult handRoleBack(TakeoverTarget t, String why) {
        StepResult r = step("handRoleBack", t);
        return !r.ok() || answers.test(t.primary()) ? r
                : StepResult.failed(t.primary() + " does not answer; it stays fenced");
    }

    @Override
    public StepResult takeOverIdentity(TakeoverTarget t) {
        return step("takeOverIdentity", t);
    }

    @Override
    public StepResult serveVolumes(TakeoverTarget t) {
        return step("serveVolumes", t);
    }

    @Override
    public StepResult runFailoverHooks(TakeoverTarget t, String kind, String reason) {
        synchronized (this) {
            environments.put(t.primary(), t.environment(kind, reason));
        }
        return step("runFailoverHooks", t);
    }

    @Override
    public StepResult releaseIdentity(TakeoverTarget t) {
        return step("releaseIdentity", t);
    }

    @Override
    public StepResult clearFence(TakeoverTarget t) {
        return step("clearFence", t);
    }

    @Override
    public StepResult drainPrimary(TakeoverTarget t) {
        return step("drainPrimary", t);
    }

    @Override
    public StepResult awaitCaughtUp(TakeoverTarget t) {
        return step("awaitCaughtUp", t);
    }

    @Override
    public StepResult resumePrimary(TakeoverTarget t) {
        return step("resumePrimary", t);
    }

    @Override
    public StepResult resyncPrimary(TakeoverTarget t) {
        return step("resyncPrimary", t);
    }

    @Override
    public StepResult stopServing(TakeoverTarget t) {
        return step("stopServing", t);
    }

    @Override
    public StepResult returnRole(TakeoverTarget t) {
        return step("returnRole", t);
    }
}
