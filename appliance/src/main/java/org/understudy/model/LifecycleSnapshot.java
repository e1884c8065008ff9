package org.understudy.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A primary node's lifecycle at a point in time.
 *
 * @param state where it stands
 * @param cause why it entered {@code state}
 * @param since wall time of that transition
 */
public record LifecycleSnapshot(PrimaryLifecycle state, String cause, Instant since) {
    public LifecycleSnapshot {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(since, "since");
    }
}
