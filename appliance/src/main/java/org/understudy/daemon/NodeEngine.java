package org.understudy.daemon;

import org.understudy.command.CommandHandler;
import org.understudy.model.StateModel;

/** What the runner needs from a role: start it, read its model, stop it. */
interface NodeEngine extends AutoCloseable {

    /** Starts serving; returns once the node's listeners are bound. */
    void start() throws Exception;

    StateModel model();

    /** Carries out the operator commands this role serves; refuses the others. */
    CommandHandler commands();

    /** Adds the role's own admin routes (internal requests between nodes); none by default. */
    default void routes(org.understudy.admin.AdminServer admin) {
    }

    /** Stops cleanly: listeners first, then links, then files. Never throws. */
    @Override
    void close();
}
