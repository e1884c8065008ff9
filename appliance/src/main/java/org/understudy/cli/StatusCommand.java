package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;
import org.understudy.admin.JsonRecords;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.config.JsonTrees;
import org.understudy.model.ClusterSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code understudy status}: asks one node (the standby unless {@code --node} says otherwise) for its state and prints
 * a summary, or the raw JSON with {@code --json}. With {@code --watch} it redraws the summary every
 * {@code --interval} seconds, like {@code crm_mon}, until Ctrl-C (exit 0).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a node's state: its volumes, mirroring and replication links. Without --node the standby"
                + " answers for the whole cluster.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:the node answered (with --watch: stopped with Ctrl-C)",
                        "1:the node is not reachable or refused the request", ExitCodes.USAGE_LINE})
public final class StatusCommand implements Callable<Integer> {
    /** Exit code when the node cannot be reached or refuses the call. */
    public static final int EXIT_UNREACHABLE = ExitCodes.NOT_OK;
    /** Exit code for configuration problems. */
    public static final int EXIT_CONFIG = ExitCodes.USAGE;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterFile clusterFile;

    @Option(names = "--node", paramLabel = "NAME", description = "Node to ask (default: the standby).")
    String node;

    @Option(names = "--json", description = "Print the node's status JSON as is.")
    boolean json;

    @Option(names = {"-w", "--watch"}, description = "Redraw the status every --interval seconds until Ctrl-C.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "Seconds between two redraws with --watch (default ${DEFAULT-VALUE}).")
    double interval;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterConfig cluster = clusterFile.load("status", err);
        if (cluster == null) {
            return EXIT_CONFIG;
        }
        String name = CommandPoster.node("status", cluster, node, "--node", err);
        if (name == null) {
            return EXIT_CONFIG;
        }
        AdminClient client;
        try {
            client = AdminClient.forNode(cluster, name);
        } catch (ConfigException e) {
            err.println("status: " + String.join("; ", e.problems()));
            err.flush();
            return EXIT_CONFIG;
        }
        if (watch) {
            if (interval < 0.1) {
                err.println("status: --interval must be at least 0.1 s");
                err.flush();
                return EXIT_CONFIG;
            }
            return watch(client, cluster, name, out);
        }
        try {
            out.print(render(client.getJson("/api/status")));
            out.flush();
            return 0;
        } catch (AdminClientException e) {
            err.println("status: " + e.getMessage() + clusterFile.unreachableNote(e));
            err.flush();
            return EXIT_UNREACHABLE;
        } catch (Exception e) {
            err.println("status: node answered a status this version cannot read: " + e.getMessage());
            err.flush();
            return EXIT_UNREACHABLE;
        }
    }

    private String render(JsonNode status) throws Exception {
        return json ? JsonTrees.pretty(status) + System.lineSeparator()
                : StatusFormatter.format(JsonRecords.read(status, ClusterSnapshot.class));
    }

    /** Redraws until Ctrl-C; a node that stops answering is shown as such and asked again at the next tick. */
    private int watch(AdminClient client, ClusterConfig cluster, String name, PrintWriter out) {
        Terminal term = Terminal.current();
        try (CtrlC ctrlC = CtrlC.install()) {
            do {
                String body;
                try {
                    body = render(client.getJson("/api/status"));
                } catch (AdminClientException e) {
                    body = "status: " + e.getMessage() + clusterFile.unreachableNote(e) + "\n";
                } catch (Exception e) {
                    body = "status: node answered a status this version cannot read: " + e.getMessage() + "\n";
                }
                if (ctrlC.pressed()) {
                    break;
                }
                String header = String.format("Every %ss: understudy status, node %s%s%s%n%n", trim(interval), name,
                        " ".repeat(4), CLOCK.format(Instant.now().atZone(ZoneId.systemDefault())));
                out.print(term.redraw(header + body));
                out.flush();
            } while (ctrlC.sleep((long) (interval * 1000)));
        }
        out.print(term.leave());
        out.flush();
        return 0;
    }

    private static String trim(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
