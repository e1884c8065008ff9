package org.understudy.command;

/** Where every operator action lands: who, from which face, what, on what, and the outcome (the event log). */
@FunctionalInterface
public interface AuditSink {
    void record(Actor actor, Command command, CommandResult result);

    /** Logs only; for nodes without an event log. */
    AuditSink LOG_ONLY = (actor, command, result) -> { };
}
