package org.understudy.events;

import java.time.Instant;
import java.util.List;
import org.understudy.model.EventEntry;
import org.understudy.model.EventQuery;

/**
 * The storage under the event log: plain rows in, plain rows out. The one seam to replace when Derby (retired
 * upstream) goes. Implementations need not be thread-safe: {@link StoredEventLog} serialises every call.
 */
interface EventStore extends AutoCloseable {
    /** Stores the rows in one durable transaction; returns their ids in order. */
    long[] insert(List<EventEntry> entries);

    List<EventEntry> query(EventQuery query);

    /** Deletes rows older than the cutoff; returns how many. */
    int deleteOlderThan(Instant cutoff);

    /** Deletes all but the newest {@code keep} rows; returns how many. */
    int keepNewest(long keep);

    long count();

    @Override
    void close();
}
