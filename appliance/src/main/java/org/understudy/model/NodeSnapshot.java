package org.understudy.model;

import java.time.Instant;

/**
 * The node answering: its name, role, version, process id and start time; for a primary also its lifecycle (null on
 * the standby, whose view of every primary is in {@link PrimarySnapshot}); what its heartbeat port received.
 */
public record NodeSnapshot(String name, Role role, String version, long pid, Instant startedAt,
                           LifecycleSnapshot lifecycle, HeartbeatTotals heartbeats) {
    public NodeSnapshot {
        heartbeats = heartbeats == null ? HeartbeatTotals.NONE : heartbeats;
    }

    /** A node without a lifecycle of its own (the standby). */
    public NodeSnapshot(String name, Role role, String version, long pid, Instant startedAt) {
        this(name, role, version, pid, startedAt, null, null);
    }

    public NodeSnapshot(String name, Role role, String version, long pid, Instant startedAt,
                        LifecycleSnapshot lifecycle) {
        this(name, role, version, pid, startedAt, lifecycle, null);
    }

    public NodeSnapshot withLifecycle(LifecycleSnapshot l) {
        return new NodeSnapshot(name, role, version, pid, startedAt, l, heartbeats);
    }

    public NodeSnapshot withHeartbeats(HeartbeatTotals h) {
        return new NodeSnapshot(name, role, version, pid, startedAt, lifecycle, h);
    }
}
