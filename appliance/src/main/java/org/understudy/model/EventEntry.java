package org.understudy.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the event log.
 *
 * @param id       identity assigned by the log when stored (ascending in store order); 0 before that
 * @param time     wall time the event happened
 * @param kind     what it records
 * @param primary  the primary it concerns, or null
 * @param resource what it is on ({@code p1}, {@code p1/vol0}, {@code standby}), or null
 * @param actor    who: an operator name for operator actions, the engine otherwise; or null
 * @param face     through which face an operator action came; or null
 * @param outcome  how an action or step ended ({@code ok}, {@code refused: ...}); or null
 * @param message  one line for a person
 * @param details  JSON text with the numbers behind it (a failover timeline with per-step durations), or null
 */
public record EventEntry(long id, Instant time, EventKind kind, String primary, String resource, String actor,
                         ActorFace face, String outcome, String message, String details) {
    public EventEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        message = message == null ? "" : message;
    }

    /** An entry not yet stored (id 0) without actor, face or outcome. */
    public static EventEntry of(Instant time, EventKind kind, String primary, String resource, String message,
                                String details) {
        return new EventEntry(0, time, kind, primary, resource, null, null, null, message, details);
    }

    /** The same entry with the id the log assigned. */
    public EventEntry withId(long newId) {
        return new EventEntry(newId, time, kind, primary, resource, actor, face, outcome, message, details);
    }
}
