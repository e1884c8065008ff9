package org.understudy.transport;

/**
 * Runs tasks later, so engines never sleep and tests drive time by hand (a manual scheduler over a fake clock).
 * Delays are in monotonic nanoseconds. Implementations are thread-safe.
 */
public interface Scheduler {

    /** A scheduled task that can be cancelled; cancelling twice or after it ran is harmless. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Runs {@code task} once after {@code delayNanos}. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** Runs {@code task} every {@code periodNanos}, first within one period, until cancelled. */
    Cancellable scheduleAtFixedRate(Runnable task, long periodNanos);
}
