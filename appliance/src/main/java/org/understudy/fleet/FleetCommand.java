package org.understudy.fleet;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import org.understudy.config.Sizes;
import org.understudy.daemon.NodeLogging;
import org.understudy.daemon.NodeRunner;
import org.understudy.demo.DemoCluster;
import org.understudy.demo.DemoLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code understudy fleet}: the load harness. {@code --prepare} writes a demo-shaped cluster (files, secrets, volume
 * files) for many primaries; without it, every primary of the cluster file but those in {@code --skip} runs in this
 * JVM against the standby the caller started, with a write load whose rate is read from a control file.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Load harness for benchmarks: run many primaries' real engines in one JVM against a real standby.",
                "--prepare writes the cluster into --dir; then start the standby ('understudy standby --config",
                "DIR/cluster.yaml --node standby') and run 'understudy fleet --dir DIR'. The write rate (writes/s, all",
                "volumes together) is read once a second from DIR/load (or --load); totals go to DIR/fleet-load.txt."})
public final class FleetCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "the harness directory")
    Path dir;

    @Option(names = "--prepare", description = "write the cluster files and volumes into --dir, then exit")
    boolean prepare;

    @Option(names = "--primaries", paramLabel = "N", defaultValue = "10", description = "with --prepare: primaries (default: ${DEFAULT-VALUE})")
    int primaries;

    @Option(names = "--volumes", paramLabel = "K", defaultValue = "4", description = "with --prepare: volumes per primary (default: ${DEFAULT-VALUE})")
    int volumes;

    @Option(names = "--volume-size", paramLabel = "SIZE", defaultValue = "4MiB", description = "with --prepare: size of each volume (default: ${DEFAULT-VALUE})")
    String volumeSize;

    @Option(names = "--loopback-net", paramLabel = "N", defaultValue = "63",
            description = "with --prepare: addresses 127.N.1.x for primaries, 127.N.2.1 for the standby (default: ${DEFAULT-VALUE})")
    int loopbackNet;

    @Option(names = "--skip", paramLabel = "NAMES", split = ",", description = "primaries not to run here (e.g. one run as its own process, to be killed)")
    String[] skip = new String[0];

    @Option(names = "--load", paramLabel = "FILE", description = "control file with the write rate (default: DIR/load)")
    Path load;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (prepare) {
            DemoLayout layout;
            try {
                layout = new DemoLayout(dir, primaries, Sizes.parse(volumeSize), loopbackNet, volumes);
            } catch (IllegalArgumentException e) {
                System.err.println("fleet: " + e.getMessage());
                return 2;
            }
            DemoCluster cluster = new DemoCluster(layout, out);
            cluster.prepare();
            out.println("fleet: prepared " + primaries + " primaries x " + volumes + " volumes of " + volumeSize
                    + " in " + layout.dir() + " (standby " + layout.standbyAddress() + ")");
            return 0;
        }
        Path config = dir.resolve("cluster.yaml");
        ClusterConfig cluster;
        try {
            cluster = ClusterConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println("fleet: " + config + ": " + e.problems());
            return 2;
        }
        NodeLogging.toStateDir(dir.resolve("fleet"), "fleet");
        Set<String> skipped = Arrays.stream(skip).map(String::strip).collect(Collectors.toSet());
        Path control = load != null ? load : dir.resolve("load");
        if (!Files.exists(control)) {
            Files.writeString(control, "0\n");
        }
        Fleet fleet;
        try {
            fleet = Fleet.start(cluster, skipped);
        } catch (Exception e) {
            Throwable c = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.err.println("fleet: " + (c instanceof NodeRunner.StartException ? c.getMessage() : c.toString()));
            return 1;
        }
        var devices = fleet.devices();
        FleetLoad loadGen = new FleetLoad(devices, control, dir.resolve("fleet-load.txt"));
        out.println("fleet: ready: " + fleet.size() + " primaries, " + devices.size() + " volumes (pid "
                + ProcessHandle.current().pid() + "); write rate from " + control);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loadGen.close();
            fleet.close();
            out.println("fleet: stopped; " + loadGen.errors() + " write error(s)");
            stopped.countDown();
        }, "fleet-stop"));
        stopped.await();
        return 0;
    }
}
