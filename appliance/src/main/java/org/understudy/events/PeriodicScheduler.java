package org.understudy.events;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task periodically; injected so tests run retention by hand instead of waiting an hour.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface PeriodicScheduler {
    /** Runs {@code task} every {@code period}, first after one period. Closing the handle stops it. */
    AutoCloseable every(Duration period, Runnable task);

    /** A scheduler on one named daemon thread, stopped with the returned handle. */
    static PeriodicScheduler daemon(String threadName) {
        return (period, task) -> {
            ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            ses.scheduleAtFixedRate(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
            return ses::shutdownNow;
        };
    }
}
