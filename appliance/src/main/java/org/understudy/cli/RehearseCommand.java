package org.understudy.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.understudy.config.ClusterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code understudy rehearse PRIMARY --address TEST_ADDRESS [--hold SECONDS]}: a failover rehearsal on the standby
 * (writable clones of a fresh snapshot on a test address, the primary's failover scripts run with
 * {@code UNDERSTUDY_KIND=rehearsal}, then everything thrown away); prints each step with its time. The primary and
 * its mirroring are never touched. Exit codes: 0 every step passed, 1 refused, failed or unreachable, 2 configuration.
 */
@Command(name = "rehearse", mixinStandardHelpOptions = true,
        description = "Rehearse a failover of a primary on a test address, touching neither it nor its replicas.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:every step of the rehearsal passed", "1:refused, a step failed, or the standby is unreachable",
                        "2:the configuration or the command line is wrong"})
public final class RehearseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterFile clusterFile;

    @Parameters(paramLabel = "PRIMARY", description = "the primary to rehearse")
    String primary;

    @Option(names = "--address", required = true, paramLabel = "ADDRESS",
            description = "test address to serve the clones on (never the primary's own)")
    String address;

    @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "0",
            description = "keep the clones served this long after the scripts ran, for a look by hand")
    int hold;

    @Override
    public Integer call() {
        ClusterConfig cluster = clusterFile.load("rehearse", spec.commandLine().getErr());
        if (cluster == null || CommandPoster.primary("rehearse", cluster, primary, spec.commandLine().getErr()) == null) {
            return CommandPoster.EXIT_CONFIG;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("primary", primary);
        fields.put("address", address);
        fields.put("holdSeconds", hold);
        return CommandPoster.post("rehearse", clusterFile, cluster, cluster.standby().name(), fields,
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
