package org.understudy.events;

import org.understudy.model.EventEntry;
import org.understudy.model.EventSource;

/**
 * The node's durable event log: state transitions, alarms, failover timelines and operator actions (data safety
 * rule 5). Implementations are thread-safe; {@link #append} never blocks the caller on storage.
 */
public interface EventLog extends EventSource, AutoCloseable {
    /**
     * Queues a row for writing and returns at once. If the writer has fallen too far behind the row is dropped and
     * counted ({@link #dropped()}); engines are never held up by the log.
     */
    void append(EventEntry entry);

    /**
     * Writes a row and returns only once it is committed durably, after every row queued before it.
     *
     * @return the id the row was stored under
     * @throws EventLogException when it could not be stored in time
     */
    long appendSync(EventEntry entry);

    /** Waits until every row queued before the call is committed. */
    void flush();

    /** Rows dropped because the queue was full, since the log was opened. */
    long dropped();

    /** Deletes rows beyond the retention limits now; returns how many. */
    int applyRetention();

    /** Writes what is queued (bounded wait), then releases the storage. Idempotent. */
    @Override
    void close();
}
