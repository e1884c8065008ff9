package org.understudy.model;

/** State of one replication link. */
public enum LinkState {
    CONNECTING,
    UP,
    DOWN
}
