package org.understudy.command;

/** Carries out commands on one node; each role supplies one. Returns REFUSED for commands it does not serve. */
@FunctionalInterface
public interface CommandHandler {
    CommandResult handle(Actor actor, Command command) throws Exception;
}
