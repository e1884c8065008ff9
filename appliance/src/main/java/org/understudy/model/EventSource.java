package org.understudy.model;

import java.util.List;

/**
 * The read side of the event log, for faces and the CLI: the node's log itself, a client of the node's admin API, or
 * an offline reader of a stopped node's state directory. Implementations are thread-safe.
 */
public interface EventSource {
    /** The rows matching the query, in the query's order. */
    List<EventEntry> query(EventQuery query);
}
