package org.understudy.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One active alarm, as every face shows it (SNMP alarm table, JMX notifications, traps, web console, CLI).
 *
 * @param index       positive number assigned when the alarm was raised, stable while it stays active and never
 *                    reused in the life of the registry: the SNMP table index
 * @param kind        what it is about
 * @param resource    what it is on: {@code p1}, {@code p1/vol0}, {@code p1/path/production}; the first segment names
 *                    the node
 * @param severity    how bad it is now (may change while active)
 * @param description cause and numbers behind it, for a person (may change while active)
 * @param since       wall time it was raised; kept when it is raised again while active
 * @param updatedAt   wall time of the last change of severity or description
 */
public record Alarm(long index, AlarmKind kind, String resource, AlarmSeverity severity, String description,
                    Instant since, Instant updatedAt) {
    public Alarm {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(updatedAt, "updatedAt");
        description = description == null ? "" : description;
    }

    /** The stable identity of an alarm: kind and resource, e.g. {@code PATH_DOWN@p1/path/production}. */
    public static String idOf(AlarmKind kind, String resource) {
        return kind.name() + "@" + resource;
    }

    /** This alarm's stable identity, see {@link #idOf}. */
    public String id() {
        return idOf(kind, resource);
    }
}
