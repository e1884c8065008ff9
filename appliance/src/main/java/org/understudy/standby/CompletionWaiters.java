package org.understudy.standby;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.ModelEvent;

/**
 * Lets an operator command wait for the end of the takeover, switchover or failback it started: the engine announces
 * the end as {@link ModelEvent.FailoverCompleted} or {@link ModelEvent.FailoverFailed}, which completes the future
 * registered for that primary. Thread-safe.
 */
final class CompletionWaiters implements Consumer<ModelEvent> {
    /** How a sequence ended: its timeline, and the failure (null when completed). */
    record Outcome(FailoverTimeline timeline, String failure) {
    }

    private final Map<String, CompletableFuture<Outcome>> waiting = new ConcurrentHashMap<>();

    /** Registers before the command is given, so an end that comes at once is not missed. */
    CompletableFuture<Outcome> expect(String primary) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        waiting.put(primary, f);
        return f;
    }

    void forget(String primary, CompletableFuture<Outcome> f) {
        waiting.remove(primary, f);
    }

    @Override
    public void accept(ModelEvent e) {
        switch (e) {
            case ModelEvent.FailoverCompleted c -> complete(c.timeline(), null);
            case ModelEvent.FailoverFailed f -> complete(f.timeline(), f.reason());
            default -> {
                // only the ends of sequences matter here
            }
        }
    }

    private void complete(FailoverTimeline t, String failure) {
        CompletableFuture<Outcome> f = waiting.remove(t.primary());
        if (f != null) {
            f.complete(new Outcome(t, failure));
        }
    }
}
