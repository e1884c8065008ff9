package org.understudy.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.Rates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code understudy throttle [--primary P] --mirror RATE|--resync RATE}: changes bandwidth caps at run time. With
 * {@code --primary} it sets that primary's link cap; without, each primary's global cap (covering all its links).
 * Takes effect within a second; not persisted (the cluster file's {@code mirror.throttle} applies at the next start).
 */
@Command(name = "throttle", mixinStandardHelpOptions = true,
        description = "Change the bandwidth cap on mirroring or resync traffic at run time.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every node applied the cap", "1:a node is unreachable or refused",
                        "2:the configuration or the command line is wrong"})
public final class ThrottleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterFile clusterFile;

    @Option(names = "--primary", paramLabel = "P", description = "only this primary's link (default: every primary's global cap)")
    String primary;

    @Option(names = "--mirror", paramLabel = "RATE", description = {"cap on mirroring traffic: bytes (20MB/s, 20MiB/s, "
            + "500kB/s) or bits (160Mbit/s) per second; 0 or off = unlimited.",
            "Below 1 MB/s refused for a primary with a sync-mode volume unless --force."})
    String mirror;

    @Option(names = "--resync", paramLabel = "RATE", description = "cap on resync, failback and verify-repair copies, "
            + "e.g. 50MB/s or 400Mbit/s; 0 or off = unlimited")
    String resync;

    @Option(names = "--force", description = "accept a mirror cap below the 1 MB/s floor for sync-mode volumes "
            + "(every write to them waits for it)")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (mirror == null && resync == null) {
            err.println("throttle: give --mirror RATE and/or --resync RATE");
            err.flush();
            return CommandPoster.EXIT_CONFIG;
        }
        Map<String, Rates.Rate> rates = new LinkedHashMap<>();
        try {
            if (mirror != null) {
                rates.put("mirror", Rates.rate(mirror));
            }
            if (resync != null) {
                rates.put("resync", Rates.rate(resync));
            }
        } catch (IllegalArgumentException e) {
            err.println("throttle: " + e.getMessage());
            err.flush();
            return CommandPoster.EXIT_CONFIG;
        }
        ClusterConfig cluster = clusterFile.load("throttle", err);
        if (cluster == null) {
            return CommandPoster.EXIT_CONFIG;
        }
        List<String> nodes = new ArrayList<>();
        if (primary != null) {
            if (cluster.primary(primary).isEmpty()) {
                err.println("throttle: --primary: \"" + primary + "\" is not a primary of cluster " + cluster.name());
                err.flush();
                return CommandPoster.EXIT_CONFIG;
            }
            nodes.add(primary);
        } else {
            cluster.primaries().stream().map(PrimaryConfig::name).forEach(nodes::add);
        }
        int exit = CommandPoster.EXIT_OK;
        for (String node : nodes) {
            for (Map.Entry<String, Rates.Rate> r : rates.entrySet()) {
                // the cap as the operator wrote it and in bytes per second, so a unit slip shows before it matters
                out.println("throttle: " + node + ": " + (primary == null ? "global " : "link ") + r.getKey()
                        + " cap " + r.getValue().describe() + (force ? " (forced)" : ""));
                Map<String, Object> fields = new LinkedHashMap<>();
                if (primary != null) {
                    fields.put("primary", primary);
                }
                fields.put("traffic", r.getKey());
                fields.put("bytesPerSecond", r.getValue().bytesPerSecond());
                if (force) {
                    fields.put("force", true);
                }
                exit = Math.max(exit, CommandPoster.post("throttle", clusterFile, cluster, node, fields, out, err));
            }
        }
        return exit;
    }
}
