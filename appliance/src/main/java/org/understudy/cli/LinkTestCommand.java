package org.understudy.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.understudy.config.ClusterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code understudy link-test PRIMARY}: measures round trip and throughput of the primary's replication link to the
 * standby, as an operator does before choosing sync or async mode.
 */
@Command(name = "link-test", mixinStandardHelpOptions = true,
        description = "Measure round trip and throughput from a primary to the standby.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured", "1:the node is unreachable, refused or the test failed",
                        "2:the configuration or the command line is wrong"})
public final class LinkTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterFile clusterFile;

    @Parameters(index = "0", paramLabel = "PRIMARY", description = "the primary whose link to test")
    String primary;

    @Override
    public Integer call() {
        ClusterConfig cluster = clusterFile.load("link-test", spec.commandLine().getErr());
        if (cluster == null || CommandPoster.primary("link-test", cluster, primary, spec.commandLine().getErr()) == null) {
            return CommandPoster.EXIT_CONFIG;
        }
        return CommandPoster.post("link-test", clusterFile, cluster, primary, Map.of("primary", primary),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
