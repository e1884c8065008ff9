package org.understudy.jmx;

import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;

/**
 * Runs a bean operation through the command API as the calling JMX principal, so it is authorised and audited like
 * every other face's. A refused or failed command becomes an {@link IllegalStateException} carrying the command
 * API's message, which JConsole shows and a {@code JMX.newMXBeanProxy} client receives as such. Thread-safe.
 */
final class Operations {
    private final CommandApi commands;

    Operations(CommandApi commands) {
        this.commands = commands;
    }

    /** The command's OK message; throws when it was refused or failed. */
    String run(Command command) {
        CommandResult r = commands.execute(CurrentActor.get(), command);
        if (!r.ok()) {
            throw new IllegalStateException(command.name() + " on " + command.target() + " " + r.status().name().toLowerCase()
                    + ": " + r.message());
        }
        return r.message();
    }
}
