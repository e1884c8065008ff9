package org.understudy.daemon;

import org.understudy.command.CommandHandler;
import org.understudy.config.ClusterConfig;
import org.understudy.config.NodeConfig;
import org.understudy.model.StateModel;

/** What the runner needs from a role: start it, read its model, stop it. */
public interface NodeEngine extends AutoCloseable {

    /** Builds a role's engine for the node {@code self} of {@code cluster}; the runner starts and stops it. */
    @FunctionalInterface
    interface Factory<C extends NodeConfig> {
        NodeEngine create(ClusterConfig cluster, C self, NodeServices services);
    }

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
