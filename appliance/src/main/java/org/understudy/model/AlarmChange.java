package org.understudy.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of the active alarm set, handed to {@link AlarmListener}s.
 *
 * @param type   raised (new), updated (severity or text changed while active) or cleared
 * @param before the alarm before the change; null when raised
 * @param after  the alarm after the change; null when cleared
 * @param reason why it was cleared (null otherwise)
 * @param at     wall time of the change
 */
public record AlarmChange(Type type, Alarm before, Alarm after, String reason, Instant at) {
    /** What happened to the alarm. */
    public enum Type { RAISED, UPDATED, CLEARED }

    public AlarmChange {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        if ((type == Type.RAISED) != (before == null) || (type == Type.CLEARED) != (after == null)) {
            throw new IllegalArgumentException(type + " with before=" + before + " after=" + after);
        }
    }

    /** The alarm concerned: {@code after} unless it was cleared. */
    public Alarm alarm() {
        return after != null ? after : before;
    }
}
