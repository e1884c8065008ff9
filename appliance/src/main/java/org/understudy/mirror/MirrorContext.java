package org.understudy.mirror;

import org.understudy.alarm.AlarmRegistry;
import org.understudy.resync.Throttles;

/**
 * What a node shares among its mirrored volumes: the bandwidth caps (one link per primary, named by the primary) and
 * the node's alarms (split brain, fencing, verify mismatches). Immutable holder of thread-safe parts.
 *
 * @param alarms null when the volume runs outside a node (unit tests): alarms are then only logged
 */
public record MirrorContext(Throttles throttles, AlarmRegistry alarms) {

    /** Unlimited throttles, no alarm registry. */
    public static MirrorContext standalone() {
        return new MirrorContext(Throttles.unlimited(), null);
    }
}
