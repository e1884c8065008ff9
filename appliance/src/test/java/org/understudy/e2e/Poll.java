package org.understudy.e2e;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition by polling; tests never sleep a fixed time. */
public final class Poll {
    private Poll() {
    }

    /** Polls {@code condition} every 10 ms until it holds; fails with {@code what} after {@code limit}. */
    public static void until(Duration limit, String what, CheckedBoolean condition) {
        until(limit, () -> what, condition);
    }

    /** Like {@link #until(Duration, String, CheckedBoolean)}, describing the wait only when it fails. */
    public static void until(Duration limit, Supplier<String> what, CheckedBoolean condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what.get(), e);
            }
        }
        AssertionError e = new AssertionError("timed out after " + limit + " waiting for: " + what.get());
        if (last != null) {
            e.initCause(last);
        }
        throw e;
    }

    /** Like {@link #until} but returns the first non-null value. */
    public static <T> T value(Duration limit, String what, Supplier<T> supplier) {
        Object[] box = new Object[1];
        until(limit, what, () -> (box[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked")
        T t = (T) box[0];
        return t;
    }

    /** A condition that may throw while the system is not ready yet. */
    @FunctionalInterface
    public interface CheckedBoolean {
        boolean get() throws Exception;
    }
}
