package org.understudy.model;

/** What an event-log row records. Immutable. */
public enum EventKind {
    /** A state machine moved (primary failover state, link state, mirror state). */
    STATE_TRANSITION,
    ALARM_RAISED,
    /** An active alarm changed severity or text. */
    ALARM_UPDATED,
    ALARM_CLEARED,
    /** A takeover or switchover with its per-step durations in the details. */
    FAILOVER_TIMELINE,
    /** Something an operator asked for, from which face, with what outcome. */
    OPERATOR_ACTION,
    /** Replication link or health path came up or went down. */
    LINK,
    RESYNC,
    VERIFY,
    FENCE,
    /**
     * Refused authentications on a face or port, aggregated per face, source and user (at most a row a minute each,
     * carrying the count).
     */
    AUTH_FAILURE,
    /** A snapshot of replicas taken, expired, deleted or dropped for space (with its reason). */
    SNAPSHOT,
    /** The node itself: start, stop, configuration loaded, event-log trouble. */
    NODE
}
