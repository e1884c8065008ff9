package org.understudy.command;

import java.util.Map;

/**
 * The outcome of a command: whether it succeeded, a message for a person, and figures for scripts.
 *
 * @param status  OK, REFUSED (not allowed or not possible now: nothing was done), FAILED (tried and failed)
 * @param details figures behind the outcome (durations, bytes, counts); JSON-friendly values only
 * @param refusal for a REFUSED result, why: the state forbids it now ({@link Refusal#CONFLICT}), the actor may not
 *                ({@link Refusal#FORBIDDEN}) or the target does not exist ({@link Refusal#UNKNOWN}); null otherwise.
 *                Faces map it to their own codes (HTTP 409, 403, 404); it is not part of the result's JSON body.
 */
public record CommandResult(Status status, String message, Map<String, Object> details, Refusal refusal) {
    public enum Status { OK, REFUSED, FAILED }

    /** Why a command was refused. */
    public enum Refusal { CONFLICT, FORBIDDEN, UNKNOWN }

    public CommandResult {
        details = Map.copyOf(details);
        refusal = status != Status.REFUSED ? null : refusal == null ? Refusal.CONFLICT : refusal;
    }

    public CommandResult(Status status, String message, Map<String, Object> details) {
        this(status, message, details, null);
    }

    public static CommandResult ok(String message) {
        return new CommandResult(Status.OK, message, Map.of());
    }

    public static CommandResult ok(String message, Map<String, Object> details) {
        return new CommandResult(Status.OK, message, details);
    }

    /** Refused because of the state things are in (a conflict): nothing was done. */
    public static CommandResult refused(String message) {
        return new CommandResult(Status.REFUSED, message, Map.of());
    }

    /** Refused because the actor may not do this. */
    public static CommandResult forbidden(String message) {
        return new CommandResult(Status.REFUSED, message, Map.of(), Refusal.FORBIDDEN);
    }

    /** Refused because what it names (a primary, a volume) does not exist. */
    public static CommandResult unknown(String message) {
        return new CommandResult(Status.REFUSED, message, Map.of(), Refusal.UNKNOWN);
    }

    public static CommandResult failed(String message) {
        return new CommandResult(Status.FAILED, message, Map.of());
    }

    public boolean ok() {
        return status == Status.OK;
    }
}
