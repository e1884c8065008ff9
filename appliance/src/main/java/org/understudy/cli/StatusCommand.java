package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.understudy.admin.Json;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import org.understudy.model.ClusterSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;

/**
 * {@code understudy status}: asks one node (the standby unless {@code --node} says otherwise) for its state and prints
 * a summary, or the raw JSON with {@code --json}. Exit codes: 0 ok, 1 node unreachable or refused, 2 configuration.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a node's state: its volumes, mirroring and replication links.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the node answered", "1:the node is not reachable or refused the request",
                        "2:the configuration or the command line is wrong"})
public final class StatusCommand implements Callable<Integer> {
    /** Exit code when the node cannot be reached or refuses the call. */
    public static final int EXIT_UNREACHABLE = 1;
    /** Exit code for configuration problems. */
    public static final int EXIT_CONFIG = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the cluster file")
    Path config;

    @Option(names = "--node", paramLabel = "NAME", description = "node to ask (default: the standby)")
    String node;

    @Option(names = "--json", description = "print the node's status JSON as is")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AdminClient client;
        try {
            ClusterConfig cluster = ClusterConfigLoader.load(config);
            client = AdminClient.forNode(cluster, node == null ? cluster.standby().name() : node);
        } catch (ConfigException e) {
            err.println("status: invalid configuration in " + e.file() + ":");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return EXIT_CONFIG;
        }
        try {
            JsonNode status = client.getJson("/api/status");
            if (json) {
                out.println(Json.pretty(status));
            } else {
                out.print(StatusFormatter.format(Json.mapper().treeToValue(status, ClusterSnapshot.class)));
            }
            out.flush();
            return 0;
        } catch (AdminClientException e) {
            err.println("status: " + e.getMessage());
            err.flush();
            return EXIT_UNREACHABLE;
        } catch (Exception e) {
            err.println("status: node answered a status this version cannot read: " + e.getMessage());
            err.flush();
            return EXIT_UNREACHABLE;
        }
    }
}
