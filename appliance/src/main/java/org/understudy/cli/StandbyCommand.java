package org.understudy.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.understudy.daemon.NodeRunner;
import org.understudy.model.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code understudy standby}: runs this machine's standby node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "standby", mixinStandardHelpOptions = true,
        description = "Run the standby node named by --node, as described in the cluster file.")
public final class StandbyCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the cluster file (YAML)")
    Path config;

    @Option(names = "--node", required = true, paramLabel = "NAME", description = "which node of the cluster file this process is")
    String node;

    @Override
    public Integer call() {
        return NodeRunner.run(config, node, Role.STANDBY, System.err);
    }
}
