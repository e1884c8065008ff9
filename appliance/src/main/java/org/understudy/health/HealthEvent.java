package org.understudy.health;

import java.util.Map;
import org.understudy.model.FailureDetection;
import org.understudy.model.PathKind;

/**
 * What the {@link HealthDetector} decided, for the failover engine (standby) or the {@link StandbyWatch} (primary).
 * Durations are monotonic nanoseconds; {@code silence} maps each path id to how long it had been silent.
 */
public sealed interface HealthEvent {
    String node();

    /** One path went silent past its timeout; {@code pathsUp} of {@code pathsTotal} still show life. */
    record PathDown(String node, String path, PathKind kind, long silentNanos, int pathsUp, int pathsTotal)
            implements HealthEvent {
    }

    /** A path that was down carries valid traffic again. */
    record PathUp(String node, String path, PathKind kind, long downForNanos, int pathsUp, int pathsTotal)
            implements HealthEvent {
    }

    /** Every path is silent past its timeout; the confirming probe starts. */
    record Suspected(String node, Map<String, Long> silence) implements HealthEvent {
        public Suspected {
            silence = Map.copyOf(silence);
        }
    }

    /** Every path silent, but the probe found the service alive: watched, not failed. */
    record ProbeAnswered(String node, Map<String, Long> silence, String probeDetail) implements HealthEvent {
        public ProbeAnswered {
            silence = Map.copyOf(silence);
        }
    }

    /**
     * The node is declared failed: on the slow path ({@link FailureDetection#HOST_SILENT}) every path silent past its
     * timeout and the confirming probe failed; on the fast path ({@link FailureDetection#PROCESS_DEAD}) its link
     * closed by the peer, the probe refused and no heartbeat within the grace. {@code detection} has the facts.
     */
    record Failed(String node, Map<String, Long> silence, String probeDetail, FailureDetection detection)
            implements HealthEvent {
        public Failed {
            silence = Map.copyOf(silence);
        }

        /** True when the fast path decided: the node's process is dead on a live host. */
        public boolean processDead() {
            return FailureDetection.PROCESS_DEAD.equals(detection.path());
        }
    }

    /**
     * The peer closed the node's link on {@code path} ({@code how}: end of stream or reset), but the confirming probe
     * found its service alive: a middlebox reset the connection or the link restarted. Never a failure; an alarm
     * until the path carries traffic again ({@link LinkRestored}).
     */
    record LinkClosedAlive(String node, String path, String how, String probeDetail) implements HealthEvent {
    }

    /** The path of a {@link LinkClosedAlive} carries valid traffic again, {@code afterNanos} after it closed. */
    record LinkRestored(String node, String path, long afterNanos) implements HealthEvent {
    }

    /** A suspected, probed or failed node shows life again on {@code path}. */
    record Alive(String node, String path, String was) implements HealthEvent {
    }

    /** The watching node itself paused ({@code node} is the watcher); every silence count was restarted. */
    record LocalPause(String node, long gapNanos, long expectedNanos) implements HealthEvent {
    }

    /** Renders a silence map as "link 2.04 s, production 2.10 s". */
    static String describe(Map<String, Long> silence) {
        StringBuilder b = new StringBuilder();
        silence.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> b.append(b.isEmpty() ? "" : ", ")
                .append(e.getKey()).append(' ').append(String.format("%.2f s", e.getValue() / 1e9)));
        return b.toString();
    }

    /** The shortest silence of the map: how long the node has been silent on every path at once. */
    static long allSilentNanos(Map<String, Long> silence) {
        return silence.values().stream().mapToLong(Long::longValue).min().orElse(0);
    }
}
