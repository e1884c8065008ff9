package org.understudy.model;

import java.time.Instant;

/** The node answering: its name, role, version, process id and start time. */
public record NodeSnapshot(String name, Role role, String version, long pid, Instant startedAt) {
}
