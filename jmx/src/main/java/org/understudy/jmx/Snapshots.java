package org.understudy.jmx;

import java.util.function.LongSupplier;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.StateModel;

/**
 * The model snapshot the beans read, taken at most once per {@code maxAgeNanos} so that JConsole reading twenty
 * attributes at once costs one snapshot, and every attribute of one read agrees. Thread-safe.
 */
final class Snapshots {
    private final StateModel model;
    private final LongSupplier nanos;
    private final long maxAgeNanos;
    private ClusterSnapshot cached;
    private long takenAt;

    Snapshots(StateModel model, LongSupplier nanos, long maxAgeNanos) {
        this.model = model;
        this.nanos = nanos;
        this.maxAgeNanos = maxAgeNanos;
    }

    synchronized ClusterSnapshot current() {
        long now = nanos.getAsLong();
        if (cached == null || now - takenAt >= maxAgeNanos) {
            cached = model.snapshot();
            takenAt = now;
        }
        return cached;
    }

    /** A snapshot taken now, which later reads within the age limit share. */
    synchronized ClusterSnapshot fresh() {
        cached = model.snapshot();
        takenAt = nanos.getAsLong();
        return cached;
    }
}
