package org.understudy.health;

import java.time.Duration;
import java.util.Map;

/** The detector's record of one watched node: its paths, probe, verdict and the episodes under way. Guarded by the
 * detector's lock. */
final class NodeWatch {
    final String node;
    final Map<String, PathWatch> paths;
    final ServiceProbe probe;
    /** The fast path's heartbeat grace; zero when the fast path is off for this node. */
    final Duration grace;
    NodeHealth health = NodeHealth.UP;
    /** Counts suspicion episodes so a late probe result of an earlier one is ignored. */
    long episode;
    long nextProbeAt;
    /** The slow path's facts since the node became suspect. */
    FactLog suspicion;
    /** The fast-path episode under way, or null. */
    ProcessDeath dying;
    /** Monotonic time of a fast-path verdict (life must be heard after it), or {@link Long#MIN_VALUE}. */
    long deadAt = Long.MIN_VALUE;
    /** A link closed while the service answered: its path and close time, until the path is heard again. */
    String resetPath;
    long resetAt;

    NodeWatch(String node, Map<String, PathWatch> paths, ServiceProbe probe, Duration grace) {
        this.node = node;
        this.paths = paths;
        this.probe = probe;
        this.grace = grace;
    }

    /** The first path that carried valid traffic after {@code t}, or null when none did. */
    String heardAfter(long t) {
        for (PathWatch p : paths.values()) {
            if (p.lastHeard - t > 0) {
                return p.config.id();
            }
        }
        return null;
    }

    /** Runs the probe; one that throws counts as failed. */
    ServiceProbe.Result runProbe() {
        try {
            return probe.probe(node);
        } catch (RuntimeException e) {
            return new ServiceProbe.Result(false, "probe threw " + e, 0);
        }
    }
}
