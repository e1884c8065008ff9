package org.understudy.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How the standby found a primary failed: which detection path decided and every fact behind it with its time, so a
 * failover timeline says not only how long the takeover took but what it was decided on.
 *
 * @param path     {@link #PROCESS_DEAD} (the fast path: link closed by the peer, service refused, heartbeats missing)
 *                 or {@link #HOST_SILENT} (the slow path: every path silent past its timeout, probe failed)
 * @param firstAt  wall time of the first fact
 * @param took     from the first fact to the decision
 * @param facts    in the order they were learnt, each timed from the first
 */
public record FailureDetection(String path, Instant firstAt, Duration took, List<Fact> facts) {
    /** The fast path: the primary's process is gone from a host that still answers. */
    public static final String PROCESS_DEAD = "process-dead";
    /** The slow path: the primary's host is silent on every path. */
    public static final String HOST_SILENT = "host-silent";

    /**
     * One fact of a detection.
     *
     * @param name   what kind of fact: {@code link-closed}, {@code probe}, {@code heartbeat-grace}, {@code silence}
     * @param after  when it was learnt, counted from the first fact
     * @param detail what it said, with its numbers
     */
    public record Fact(String name, Duration after, String detail) {
    }

    public FailureDetection {
        facts = List.copyOf(facts);
    }

    /** One line: "process-dead in 312 ms: link-closed +0 ms (...); probe +2 ms (...); ...". */
    public String describe() {
        StringBuilder b = new StringBuilder(path).append(" in ").append(took.toMillis()).append(" ms");
        String sep = ": ";
        for (Fact f : facts) {
            b.append(sep).append(f.name()).append(" +").append(f.after().toMillis()).append(" ms (")
                    .append(f.detail()).append(')');
            sep = "; ";
        }
        return b.toString();
    }
}
