package org.understudy.command;

import java.util.Map;

/**
 * The outcome of a command: whether it succeeded, a message for a person, and figures for scripts.
 *
 * @param status  OK, REFUSED (not allowed or not possible now: nothing was done), FAILED (tried and failed)
 * @param details figures behind the outcome (durations, bytes, counts); JSON-friendly values only
 */
public record CommandResult(Status status, String message, Map<String, Object> details) {
    public enum Status { OK, REFUSED, FAILED }

    public CommandResult {
        details = Map.copyOf(details);
    }

    public static CommandResult ok(String message) {
        return new CommandResult(Status.OK, message, Map.of());
    }

    public static CommandResult ok(String message, Map<String, Object> details) {
        return new CommandResult(Status.OK, message, details);
    }

    public static CommandResult refused(String message) {
        return new CommandResult(Status.REFUSED, message, Map.of());
    }

    public static CommandResult failed(String message) {
        return new CommandResult(Status.FAILED, message, Map.of());
    }

    public boolean ok() {
        return status == Status.OK;
    }
}
