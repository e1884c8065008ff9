package org.understudy.mirror;

import org.understudy.alarm.AlarmRegistry;
import org.understudy.resync.Throttles;

/**
 * What a node shares among its mirrored volumes: the bandwidth caps (one link per primary, named by the primary) and
 * the node's alarms (split brain, fencing, verify mismatches). Immutable holder of thread-safe parts.
 *
 * @param alarms null when the volume runs outside a node (unit tests): alarms are then only logged
 * @param events where resync and verify events go (the node's event bus); must not block
 * @param cuts   the gate snapshot cuts take across the node's volumes (one per node)
 * @param syncMemory what gives ended resyncs' direct buffers back (one per node; {@link SyncMemory#NONE} if null)
 */
public record MirrorContext(Throttles throttles, AlarmRegistry alarms,
                            java.util.function.Consumer<org.understudy.model.ModelEvent> events, CutGate cuts,
                            SyncMemory syncMemory) {
    public MirrorContext {
        events = events == null ? e -> { } : events;
        cuts = cuts == null ? new CutGate(System::nanoTime) : cuts;
        syncMemory = syncMemory == null ? SyncMemory.NONE : syncMemory;
    }

    /** A context whose ended resyncs leave their buffers to the collector's own pace. */
    public MirrorContext(Throttles throttles, AlarmRegistry alarms,
                         java.util.function.Consumer<org.understudy.model.ModelEvent> events, CutGate cuts) {
        this(throttles, alarms, events, cuts, null);
    }

    /** A context with a gate of its own (a volume on its own). */
    public MirrorContext(Throttles throttles, AlarmRegistry alarms,
                         java.util.function.Consumer<org.understudy.model.ModelEvent> events) {
        this(throttles, alarms, events, null);
    }

    /** A context whose events go nowhere. */
    public MirrorContext(Throttles throttles, AlarmRegistry alarms) {
        this(throttles, alarms, null, null);
    }

    /** Unlimited throttles, no alarm registry. */
    public static MirrorContext standalone() {
        return new MirrorContext(Throttles.unlimited(), null);
    }
}
