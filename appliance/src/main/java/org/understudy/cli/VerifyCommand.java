package org.understudy.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.understudy.config.ClusterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code understudy verify PRIMARY VOLUME}: compares the volume with its replica region by region while I/O
 * continues; mismatching regions are reported, marked dirty and resynced. Waits for the result.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare a volume with its replica online; mismatches are reported and repaired by resync.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:verify ran (see mismatches in the output)", "1:the node is unreachable, refused or failed",
                        "2:the configuration or the command line is wrong"})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the cluster file")
    Path config;

    @Parameters(index = "0", paramLabel = "PRIMARY", description = "the primary")
    String primary;

    @Parameters(index = "1", paramLabel = "VOLUME", description = "the volume")
    String volume;

    @Override
    public Integer call() {
        ClusterConfig cluster = CommandPoster.load("verify", config, spec.commandLine().getErr());
        if (cluster == null) {
            return CommandPoster.EXIT_CONFIG;
        }
        return CommandPoster.post("verify", cluster, primary, Map.of("primary", primary, "volume", volume),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
