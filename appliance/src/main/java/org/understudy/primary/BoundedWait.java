package org.understudy.primary;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a piece of work on a virtual thread of its own and waits for it only so long: an admin request must answer
 * before its client gives up (30 s, as long as the HTTP server's idle timeout), while the work itself (a verify of a
 * large volume) may take much longer. What did not finish in time goes on, and the caller says where its outcome will show. Stateless.
 */
final class BoundedWait {
    private BoundedWait() {
    }

    /** How the work stood when the wait ended. */
    sealed interface Outcome<T> {
    }

    /** It finished in time with {@code value}. */
    record Done<T>(T value) implements Outcome<T> {
    }

    /** It failed in time with {@code failure}. */
    record Failed<T>(Exception failure) implements Outcome<T> {
    }

    /** It was still running when the wait ended; {@code future} completes when it does. */
    record Running<T>(CompletableFuture<T> future) implements Outcome<T> {
    }

    /**
     * Starts {@code work} on a new virtual thread called {@code threadName} and waits up to {@code wait} for it.
     *
     * @throws InterruptedException if the caller is interrupted while waiting (the work goes on)
     */
    static <T> Outcome<T> run(String threadName, Duration wait, Callable<T> work) throws InterruptedException {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread.ofVirtual().name(threadName).start(() -> {
            try {
                future.complete(work.call());
            } catch (Exception | Error e) {
                future.completeExceptionally(e);
            }
        });
        try {
            return new Done<>(future.get(wait.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return new Running<>(future);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error err) {
                throw err;
            }
            return new Failed<>((Exception) cause);
        }
    }
}
