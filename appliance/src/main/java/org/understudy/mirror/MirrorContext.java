package org.understudy.mirror;

import org.understudy.alarm.AlarmRegistry;
import org.understudy.resync.Throttles;

/**
 * What a node shares among its mirrored volumes: the bandwidth caps (one link per primary, named by the primary) and
 * the node's alarms (split brain, fencing, verify mismatches). Immutable holder of thread-safe parts.
 *
 * @param alarms null when the volume runs outside a node (unit tests): alarms are then only logged
 * @param events where resync and verify events go (the node's event bus); must not block
 */
public record MirrorContext(Throttles throttles, AlarmRegistry alarms, java.util.function.Consumer<org.understudy.model.ModelEvent> events) {
    public MirrorContext {
        events = events == null ? e -> { } : events;
    }

    /** A context whose events go nowhere. */
    public MirrorContext(Throttles throttles, AlarmRegistry alarms) {
        this(throttles, alarms, null);
    }

    /** Unlimited throttles, no alarm registry. */
    public static MirrorContext standalone() {
        return new MirrorContext(Throttles.unlimited(), null);
    }
}
