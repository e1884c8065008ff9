package org.understudy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.understudy.admin.AdminClient;
import org.understudy.admin.JsonRecords;
import org.understudy.admin.AdminClientException;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.model.ClusterSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code understudy check}: a monitoring plugin by the Nagios conventions (exit code, one status line, performance
 * data), for the whole cluster (the standby's view), a node, or one primary. See {@link CheckVerdict} for what is
 * OK, WARNING and CRITICAL. Stateless.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Monitoring check with Nagios plugin exit codes and performance data: the cluster as the standby"
                + " sees it, a node (--node) or one primary (--primary).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:OK: every primary protected, every volume in sync, no alarm",
                        "1:WARNING: an alarm, a resync, a degraded path, a standby standing in",
                        "2:CRITICAL: a critical alarm, a primary failed, fenced or split-brain, or the node unreachable",
                        "3:UNKNOWN: the cluster file or the command line is wrong, or the answer cannot be read"})
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterFile clusterFile;

    @Option(names = "--node", paramLabel = "NAME", description = "Node to ask (default: the standby).")
    String node;

    @Option(names = "--primary", paramLabel = "P", description = "Judge only this primary, its volumes and alarms.")
    String primary;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CheckVerdict v = verdict(err);
        out.print(v.render());
        out.flush();
        return v.code();
    }

    private CheckVerdict verdict(PrintWriter err) {
        ClusterConfig cluster = clusterFile.load("check", err);
        if (cluster == null) {
            return CheckVerdict.unknownOr(CheckVerdict.UNKNOWN, "no usable cluster file (see above)");
        }
        String name = CommandPoster.node("check", cluster, node, "--node", err);
        if (name == null) {
            return CheckVerdict.unknownOr(CheckVerdict.UNKNOWN, "no node \"" + node + "\" in " + cluster.file());
        }
        if (primary != null && cluster.primary(primary).isEmpty()) {
            return CheckVerdict.unknownOr(CheckVerdict.UNKNOWN, "--primary: \"" + primary + "\" is not a primary of cluster "
                    + cluster.name());
        }
        try {
            ClusterSnapshot s = JsonRecords.read(AdminClient.forNode(cluster, name).getJson("/api/status"),
                    ClusterSnapshot.class);
            return CheckVerdict.of(s, primary);
        } catch (AdminClientException e) {
            return CheckVerdict.unknownOr(e.status() == 0 ? CheckVerdict.CRITICAL : CheckVerdict.UNKNOWN, e.getMessage());
        } catch (ConfigException e) {
            return CheckVerdict.unknownOr(CheckVerdict.UNKNOWN, String.join("; ", e.problems()));
        } catch (Exception e) {
            return CheckVerdict.unknownOr(CheckVerdict.UNKNOWN, "cannot read the node's status: " + e.getMessage());
        }
    }
}
