package org.understudy.daemon;

import java.time.Instant;
import org.understudy.model.NodeSnapshot;
import org.understudy.model.Role;
import org.understudy.model.Version;

/** This process as a node: fixed at start, shared by every snapshot it takes. */
public record NodeIdentity(String name, Role role, long pid, Instant startedAt) {
    public static NodeIdentity of(String name, Role role) {
        return new NodeIdentity(name, role, ProcessHandle.current().pid(), Instant.now());
    }

    public NodeSnapshot snapshot() {
        return new NodeSnapshot(name, role, Version.current(), pid, startedAt);
    }
}
