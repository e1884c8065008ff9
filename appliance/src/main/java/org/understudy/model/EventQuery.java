package org.understudy.model;

import java.time.Instant;

/**
 * Which event-log rows to read. Null fields do not filter. Immutable; build with {@link #all()} and the withers.
 *
 * @param since   only rows at or after this wall time
 * @param primary only rows about this primary
 * @param kind    only rows of this kind
 * @param limit   at most this many rows (&gt; 0)
 * @param order   newest first (the default: the last {@code limit} rows) or oldest first
 * @param actor    only rows whose actor is this (an operator's login, a node's name); null for any
 * @param beforeId only rows stored before the row with this id (paging back through newest-first pages); 0 for any
 */
public record EventQuery(Instant since, String primary, EventKind kind, int limit, Order order, String actor,
                         long beforeId) {
    /** Default and upper bound of {@link #limit}, so no face can ask for an unbounded read. */
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 100_000;

    /** Row order of a result. */
    public enum Order { NEWEST_FIRST, OLDEST_FIRST }

    public EventQuery {
        if (limit <= 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
        }
        order = order == null ? Order.NEWEST_FIRST : order;
        if (beforeId < 0) {
            throw new IllegalArgumentException("beforeId must be >= 0, got " + beforeId);
        }
    }

    /** A query without actor or paging filters. */
    public EventQuery(Instant since, String primary, EventKind kind, int limit, Order order) {
        this(since, primary, kind, limit, order, null, 0);
    }

    /** Every row, newest first, up to {@link #DEFAULT_LIMIT}. */
    public static EventQuery all() {
        return new EventQuery(null, null, null, DEFAULT_LIMIT, Order.NEWEST_FIRST);
    }

    public EventQuery since(Instant newSince) {
        return new EventQuery(newSince, primary, kind, limit, order, actor, beforeId);
    }

    public EventQuery primary(String newPrimary) {
        return new EventQuery(since, newPrimary, kind, limit, order, actor, beforeId);
    }

    public EventQuery kind(EventKind newKind) {
        return new EventQuery(since, primary, newKind, limit, order, actor, beforeId);
    }

    public EventQuery limit(int newLimit) {
        return new EventQuery(since, primary, kind, newLimit, order, actor, beforeId);
    }

    public EventQuery actor(String newActor) {
        return new EventQuery(since, primary, kind, limit, order, newActor, beforeId);
    }

    public EventQuery beforeId(long newBeforeId) {
        return new EventQuery(since, primary, kind, limit, order, actor, newBeforeId);
    }

    public EventQuery order(Order newOrder) {
        return new EventQuery(since, primary, kind, limit, newOrder, actor, beforeId);
    }
}
