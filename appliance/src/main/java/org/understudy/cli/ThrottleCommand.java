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

    @Option(names = "--mirror", paramLabel = "RATE", description = "cap on mirroring traffic, e.g. 20MB/s, 20MiB/s; 0 or off = unlimited")
    String mirror;

    @Option(names = "--resync", paramLabel = "RATE", description = "cap on resync traffic, e.g. 50MB/s; 0 or off = unlimited")
    String resync;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (mirror == null && resync == null) {
            err.println("throttle: give --mirror RATE and/or --resync RATE");
            err.flush();
            return CommandPoster.EXIT_CONFIG;
        }
        Map<String, Long> rates = new LinkedHashMap<>();
        try {
            if (mirror != null) {
                rates.put("mirror", Rates.parse(mirror));
            }
            if (resync != null) {
                rates.put("resync", Rates.parse(resync));
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
            for (Map.Entry<String, Long> r : rates.entrySet()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                if (primary != null) {
                    fields.put("primary", primary);
                }
                fields.put("traffic", r.getKey());
                fields.put("bytesPerSecond", r.getValue());
                exit = Math.max(exit, CommandPoster.post("throttle", clusterFile, cluster, node, fields, out, err));
            }
        }
        return exit;
    }
}
