package org.understudy.jmx;

import java.util.Date;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;

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
}
