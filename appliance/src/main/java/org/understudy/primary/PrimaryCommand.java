package org.understudy.primary;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.understudy.config.PrimaryConfig;
import org.understudy.daemon.NodeRunner;
import org.understudy.model.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.understudy.daemon.NodeOptions;

/** {@code understudy primary}: runs this machine's primary node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "primary", mixinStandardHelpOptions = true,
        description = "Run the primary node named by --node, as described in the cluster file.")
public final class PrimaryCommand implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Override
    public Integer call() {
        return run(options.config, options.node);
    }

    /**
     * Runs the primary node {@code node} of {@code config} (see {@link NodeRunner#run}); also called without picocli
     * for the usual command line ({@link org.understudy.daemon.NodeArguments}).
     */
    public static int run(Path config, String node) {
        return NodeRunner.run(config, node, Role.PRIMARY, PrimaryConfig.class, PrimaryEngines.FACTORY, System.err);
    }
}
