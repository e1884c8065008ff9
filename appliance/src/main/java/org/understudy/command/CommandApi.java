package org.understudy.command;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one way every face acts on a node: authorises the actor, runs the command through the node's handler, and
 * records the outcome in the audit sink and the log. A handler exception becomes a FAILED result; nothing escapes to
 * the face. Thread-safe if the handler is.
 */
public final class CommandApi {
    private static final Logger LOG = LogManager.getLogger(CommandApi.class);

    private final String nodeName;
    private final CommandHandler handler;
    private final AuditSink audit;

    public CommandApi(String nodeName, CommandHandler handler, AuditSink audit) {
        this.nodeName = nodeName;
        this.handler = handler;
        this.audit = audit;
    }

    public CommandResult execute(Actor actor, Command command) {
        CommandResult result;
        if (!actor.operator()) {
            result = CommandResult.forbidden(actor.name() + " is not allowed to act (read-only)");
        } else {
            try {
                result = handler.handle(actor, command);
            } catch (Exception e) {
                LOG.error("{}: {} on {} by {} failed: {}", nodeName, command.name(), command.target(), actor, e.toString(), e);
                result = CommandResult.failed(command.name() + " failed: " + e.getMessage());
            }
        }
        LOG.info("{}: operator action {} on {} by {}: {} {}", nodeName, command.name(), command.target(), actor,
                result.status(), result.message());
        try {
            audit.record(actor, command, result);
        } catch (RuntimeException e) {
            LOG.error("{}: could not record {} by {} in the audit log: {}", nodeName, command.name(), actor, e.toString(), e);
        }
        return result;
    }
}
