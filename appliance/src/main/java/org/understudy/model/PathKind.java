package org.understudy.model;

/** What an independent way of seeing a node runs over. */
public enum PathKind {
    /** The replication link (its heartbeats and any replication traffic). */
    REPLICATION_LINK,
    /** The production (service) network. */
    PRODUCTION,
    /** A periodic service probe. */
    PROBE,
    /** Any other configured path (a serial line, a second network). */
    OTHER
}
