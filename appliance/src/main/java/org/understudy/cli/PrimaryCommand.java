package org.understudy.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.understudy.daemon.NodeRunner;
import org.understudy.model.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code understudy primary}: runs this machine's primary node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "primary", mixinStandardHelpOptions = true,
        description = "Run the primary node named by --node, as described in the cluster file.")
public final class PrimaryCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the cluster file (YAML)")
    Path config;

    @Option(names = "--node", required = true, paramLabel = "NAME", description = "which node of the cluster file this process is")
    String node;

    @Override
    public Integer call() {
        return NodeRunner.run(config, node, Role.PRIMARY, System.err);
    }
}
