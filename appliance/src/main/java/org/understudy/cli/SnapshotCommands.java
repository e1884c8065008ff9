package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.understudy.admin.AdminClient;
import org.understudy.admin.JsonRecords;
import org.understudy.admin.AdminClientException;
import org.understudy.admin.Json;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.SnapshotEntry;
import org.understudy.model.SnapshotSpace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code understudy snapshot create|list|delete PRIMARY [VOLUME] [--name NAME] [--json]}: snapshots of a primary's
 * replicas on the standby. {@code create} and {@code delete} go through the standby's command API (audited under the
 * caller's name); {@code list} reads the standby's status. Exit codes: 0 done, 1 refused, failed or unreachable, 2
 * configuration or command line.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Snapshots of a primary's replicas on the standby, served read-only over NBD for backup.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.NOT_OK_LINE, ExitCodes.USAGE_LINE},
        subcommands = {SnapshotCommands.Create.class, SnapshotCommands.ListSnapshots.class,
                SnapshotCommands.Delete.class})
public final class SnapshotCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every snapshot subcommand takes. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterFile clusterFile;

        @Parameters(index = "0", paramLabel = "PRIMARY", description = "the primary whose replicas")
        String primary;

        @Parameters(index = "1", arity = "0..1", paramLabel = "VOLUME", description = "one volume (default: all)")
        String volume;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** The cluster, with PRIMARY (and VOLUME) checked against it; null after saying what is wrong. */
        ClusterConfig cluster() {
            String cmd = "snapshot " + spec.name();
            ClusterConfig cluster = clusterFile.load(cmd, err());
            if (cluster == null || CommandPoster.primary(cmd, cluster, primary, err()) == null) {
                return null;
            }
            if (volume != null && cluster.primary(primary).orElseThrow().volume(volume).isEmpty()) {
                err().println(cmd + ": " + primary + " has no volume \"" + volume + "\"");
                err().flush();
                return null;
            }
            return cluster;
        }

        /** Posts a snapshot command to the standby and prints its result. */
        int post(String command, Map<String, Object> fields) {
            ClusterConfig cluster = cluster();
            if (cluster == null) {
                return CommandPoster.EXIT_CONFIG;
            }
            if (!json) {
                return CommandPoster.post(command, clusterFile, cluster, cluster.standby().name(), fields, out(),
                        err());
            }
            Map<String, Object> body = new LinkedHashMap<>(fields);
            body.put("actor", System.getProperty("user.name", "operator"));
            body.put("via", "cli");
            try {
                JsonNode r = AdminClient.forNode(cluster, cluster.standby().name()).postJson("/api/commands/" + command,
                        body);
                out().println(Json.pretty(r));
                out().flush();
                return "OK".equals(r.path("status").asText()) ? CommandPoster.EXIT_OK : CommandPoster.EXIT_NOT_OK;
            } catch (ConfigException e) {
                err().println("snapshot " + spec.name() + ": " + e.getMessage());
                err().flush();
                return CommandPoster.EXIT_CONFIG;
            } catch (AdminClientException e) {
                err().println("snapshot " + spec.name() + ": " + e.getMessage() + clusterFile.unreachableNote(e));
                err().flush();
                return CommandPoster.EXIT_NOT_OK;
            }
        }

        Map<String, Object> fields(String name) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("primary", primary);
            if (volume != null) {
                f.put("volume", volume);
            }
            if (name != null) {
                f.put("snapshot", name);
            }
            return f;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Take a snapshot of a primary's volumes (or one) at one point of its write stream.")
    public static final class Create extends Base {
        @Option(names = "--name", paramLabel = "NAME", description = "its name (default: the cut's instant, UTC)")
        String name;

        @Override
        public Integer call() {
            return post("snapshot-create", fields(name));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a snapshot of a primary (every volume's image of it, or one volume's).")
    public static final class Delete extends Base {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "the snapshot to delete")
        String name;

        @Override
        public Integer call() {
            return post("snapshot-delete", fields(name));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a primary's snapshots: export names on the standby, when, why, space used.")
    public static final class ListSnapshots extends Base {
        @Option(names = "--name", paramLabel = "NAME", description = "only the snapshot called NAME")
        String name;

        @Override
        public Integer call() {
            ClusterConfig cluster = cluster();
            if (cluster == null) {
                return CommandPoster.EXIT_CONFIG;
            }
            ClusterSnapshot status;
            try {
                JsonNode s = AdminClient.forNode(cluster, cluster.standby().name()).getJson("/api/status");
                status = JsonRecords.read(s, ClusterSnapshot.class);
            } catch (ConfigException e) {
                err().println("snapshot list: " + e.getMessage());
                err().flush();
                return CommandPoster.EXIT_CONFIG;
            } catch (AdminClientException e) {
                err().println("snapshot list: " + e.getMessage() + clusterFile.unreachableNote(e));
                err().flush();
                return CommandPoster.EXIT_NOT_OK;
            } catch (Exception e) {
                err().println("snapshot list: the standby answered a status this version cannot read: "
                        + e.getMessage());
                err().flush();
                return CommandPoster.EXIT_NOT_OK;
            }
            List<SnapshotEntry> mine = new ArrayList<>();
            for (SnapshotEntry e : status.snapshots()) {
                if (e.primary().equals(primary) && (volume == null || e.volume().equals(volume))
                        && (name == null || e.name().equals(name))) {
                    mine.add(e);
                }
            }
            if (json) {
                out().println(Json.pretty(mine));
            } else {
                out().print(table(mine, status.snapshotSpace().stream().filter(p -> p.primary().equals(primary))
                        .findFirst().orElse(null), cluster));
            }
            out().flush();
            return CommandPoster.EXIT_OK;
        }

        private static String table(List<SnapshotEntry> entries, SnapshotSpace space, ClusterConfig cluster) {
            TextTable t = new TextTable("EXPORT", "CREATED", "KIND", "CUT", "USED", "KEPT BY");
            for (SnapshotEntry e : entries) {
                String kept = e.held() ? "held (resync running)" : e.expires() != null ? "until " + e.expires()
                        : e.labels().isEmpty() ? "-" : String.join(",", e.labels());
                t.row(e.export(), e.created(), e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                        (e.primaryCut() ? "primary" : "standby") + (e.consistent() ? "" : " (INCONSISTENT)"),
                        StatusFormatter.bytes(e.bytesUsed()), kept);
            }
            StringBuilder sb = new StringBuilder(t.render());
            if (space != null) {
                sb.append(String.format("%s: %d snapshot(s), %s used%s; served on nbd://%s:%d/%n", space.primary(),
                        space.snapshots(), StatusFormatter.bytes(space.usedBytes()), space.limitBytes() > 0
                                ? " of a " + StatusFormatter.bytes(space.limitBytes()) + " limit" : "",
                        cluster.standby().address(), cluster.snapshots().port()));
            }
            return sb.toString();
        }
    }
}
