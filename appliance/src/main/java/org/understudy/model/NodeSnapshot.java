package org.understudy.model;

import java.time.Instant;

/**
 * The node answering: its name, role, version, process id and start time; for a primary also its lifecycle (null on
 * the standby, whose view of every primary is in {@link PrimarySnapshot}).
 */
public record NodeSnapshot(String name, Role role, String version, long pid, Instant startedAt,
                           LifecycleSnapshot lifecycle) {

    /** A node without a lifecycle of its own (the standby). */
    public NodeSnapshot(String name, Role role, String version, long pid, Instant startedAt) {
        this(name, role, version, pid, startedAt, null);
    }

    public NodeSnapshot withLifecycle(LifecycleSnapshot l) {
        return new NodeSnapshot(name, role, version, pid, startedAt, l);
    }
}
