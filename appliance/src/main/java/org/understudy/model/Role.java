package org.understudy.model;

/** What a node is in the cluster. */
public enum Role {
    PRIMARY,
    STANDBY
}
