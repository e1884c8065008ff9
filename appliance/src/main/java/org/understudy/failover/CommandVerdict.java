package org.understudy.failover;

/**
 * The failover engine's verdict on an operator command: accepted (started or done) or refused, and why. The command
 * API turns it into a {@code command.CommandResult} for the faces. Immutable.
 */
public record CommandVerdict(boolean accepted, String message) {
    public static CommandVerdict accepted(String message) {
        return new CommandVerdict(true, message);
    }

    public static CommandVerdict refused(String message) {
        return new CommandVerdict(false, message);
    }
}
