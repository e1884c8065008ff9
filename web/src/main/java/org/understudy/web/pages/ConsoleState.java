package org.understudy.web.pages;

import java.util.List;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.EventEntry;
import org.understudy.model.EventQuery;
import org.understudy.model.EventSource;
import org.understudy.web.actions.Job;

/**
 * Everything one rendering reads: the node, one model snapshot, the console's actions and the event log. Taking
 * the snapshot once per rendering keeps every table of a page at the same instant. Immutable.
 */
public record ConsoleState(Site site, ClusterSnapshot snapshot, List<Job> jobs, EventSource eventLog) {
    public ConsoleState {
        jobs = List.copyOf(jobs);
    }

    /** The newest {@code n} rows about {@code primary}; empty when the log cannot be read (the page says so). */
    public List<EventEntry> recentEvents(String primary, int n) {
        return eventLog.query(EventQuery.all().primary(primary).limit(n));
    }
}
