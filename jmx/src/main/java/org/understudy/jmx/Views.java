package org.understudy.jmx;

import java.util.Date;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;

/**
 * Records the MXBeans return as CompositeData (the MXBean mapping turns record components into items, and a
 * {@code JMX.newMXBeanProxy} client gets the records back). Immutable.
 */
public final class Views {
    private Views() {
    }

    /**
     * One takeover, switchover or failback as JConsole shows it.
     *
     * @param totalMillis decision to the last step's end
     */
    public record Failover(String primary, String kind, String reason, Date startedAt, long totalMillis, boolean completed,
                           Step[] steps) {
        static Failover of(FailoverTimeline t) {
            if (t == null) {
                return null;
            }
            Step[] steps = t.steps().stream().map(Step::of).toArray(Step[]::new);
            return new Failover(t.primary(), t.kind(), t.reason(), Date.from(t.startedAt()), t.total().toMillis(), t.completed(), steps);
        }
    }

    /** One timed step of a failover timeline; times in milliseconds from the decision. */
    public record Step(String name, long startMillis, long durationMillis, String outcome, String detail) {
        static Step of(FailoverStep s) {
            return new Step(s.name(), s.start().toMillis(), s.duration().toMillis(), s.outcome().name(),
                    s.detail() == null ? "" : s.detail());
        }
    }

    /**
     * One fact of a failure detection, as JConsole shows it.
     *
     * @param name        what kind of fact: {@code link-closed}, {@code probe}, {@code heartbeat-grace}, {@code silence}
     * @param afterMillis when it was learnt, in milliseconds from the detection's first fact
     * @param detail      what it said, with its numbers
     */
    public record Fact(String name, long afterMillis, String detail) {
        static Fact of(FailureDetection.Fact f) {
            return new Fact(f.name(), f.after().toMillis(), f.detail() == null ? "" : f.detail());
        }
    }

    /**
     * One volume's image in one snapshot on the standby, read-only over NBD at {@code export}.
     *
     * @param cut "primary" (a point of the primary's write stream) or "standby" (the standby's own cut)
     */
    public record Snapshot(String export, String volume, String name, Date created, String kind, String cut,
                           boolean consistent, long bytesUsed, Date expires, boolean held) {
        static Snapshot of(org.understudy.model.SnapshotEntry e) {
            return new Snapshot(e.export(), e.volume(), e.name(), Date.from(e.created()),
                    e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    e.primaryCut() ? "primary" : "standby", e.consistent(), e.bytesUsed(),
                    e.expires() == null ? null : Date.from(e.expires()), e.held());
        }
    }
}
