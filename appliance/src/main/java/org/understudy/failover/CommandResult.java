package org.understudy.failover;

/** The answer to an operator command: accepted (started or done) or refused, and why. */
public record CommandResult(boolean accepted, String message) {
    public static CommandResult accepted(String message) {
        return new CommandResult(true, message);
    }

    public static CommandResult refused(String message) {
        return new CommandResult(false, message);
    }
}
