package org.understudy.standby;

import java.util.concurrent.Callable;
import org.understudy.config.StandbyConfig;
import org.understudy.daemon.NodeRunner;
import org.understudy.model.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.understudy.daemon.NodeOptions;

/** {@code understudy standby}: runs this machine's standby node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "standby", mixinStandardHelpOptions = true,
        description = "Run the standby node named by --node, as described in the cluster file.")
public final class StandbyCommand implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Override
    public Integer call() {
        return NodeRunner.run(options.config, options.node, Role.STANDBY, StandbyConfig.class, StandbyNode::new, System.err);
    }
}
