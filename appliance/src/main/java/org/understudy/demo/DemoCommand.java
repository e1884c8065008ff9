package org.understudy.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.Sizes;
import org.understudy.config.VolumeConfig;
import org.understudy.demo.DemoCluster;
import org.understudy.demo.DemoLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.understudy.admin.AdminClient;
import org.understudy.cli.StatusFormatter;
import org.understudy.admin.AdminClientException;

/** {@code understudy demo}: a standby and several primaries on loopback addresses, for a first look and for tests. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a demo cluster on this machine: a standby (127.0.2.1) and primaries (127.0.1.x), each primary",
                "with two file-backed volumes mirrored to the standby. Waits until every replica is in sync and every",
                "primary protected (a switchover or failover can start at once).",
                "Without --detach it runs until Ctrl-C, then stops every node cleanly."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "demo directory (default: ${DEFAULT-VALUE})",
            defaultValue = "${java.io.tmpdir}/understudy-demo")
    Path dir;

    @Option(names = "--detach",
            description = "start in the background and return once every replica is in sync and every primary"
                    + " protected")
    boolean detach;

    @Option(names = "--stop", description = "stop the demo running in --dir (including nodes restarted by hand)")
    boolean stop;

    @Option(names = "--primaries", paramLabel = "N", defaultValue = "2", description = "number of primaries (default: ${DEFAULT-VALUE})")
    int primaries;

    @Option(names = "--loopback-net", paramLabel = "N", defaultValue = "0",
            description = "put the demo on 127.N.x.y instead of 127.0.x.y, to run several side by side (default: ${DEFAULT-VALUE})")
    int loopbackNet;

    @Option(names = "--volume-size", paramLabel = "SIZE", defaultValue = "64MiB", description = "size of each volume (default: ${DEFAULT-VALUE})")
    String volumeSize;

    @Option(names = "--no-fence", description = "configure no fencing command: a frozen (SIGSTOPped) primary then keeps "
            + "its address and its takeover fails at await-release, as on a cluster without a power switch")
    boolean noFence;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (stop) {
            try {
                int n = DemoCluster.stop(dir, out);
                out.println("demo: " + n + " node(s) stopped in " + dir.toAbsolutePath());
                return 0;
            } catch (java.io.IOException e) {
                System.err.println("demo: " + e.getMessage());
                return 1;
            }
        }
        long size;
        DemoLayout layout;
        try {
            size = Sizes.parse(volumeSize);
            layout = new DemoLayout(dir, primaries, size, loopbackNet);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            return 2;
        }
        DemoCluster demo = new DemoCluster(layout, out, !noFence);
        CountDownLatch done = new CountDownLatch(1);
        if (!detach) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.println("\ndemo: stopping every node ...");
                demo.stopStarted();
                out.println("demo: stopped");
                done.countDown();
            }, "understudy-demo-stop"));
        }
        try {
            demo.prepare();
            out.println("demo: starting a standby and " + primaries + " primaries in " + layout.dir());
            demo.startAll(detach);
            demo.awaitReady();
            demo.writeClusterJson();
        } catch (Exception e) {
            System.err.println("demo: " + e.getMessage());
            demo.stopStarted();
            return 1;
        }
        printGuide(out, demo, layout);
        if (detach) {
            return 0;
        }
        out.println("Press Ctrl-C to stop the demo.");
        done.await();
        return 0;
    }

    /** JConsole URLs of every node and the demo's JMX logins (the demo's secrets are throwaway values). */
    private static void printJmx(PrintStream out, org.understudy.config.ClusterConfig cluster) {
        var standbyJmx = cluster.standby().jmx();
        if (standbyJmx == null) {
            return;
        }
        out.println();
        out.println("JMX (JConsole; MBeans under org.understudy):");
        out.printf("  jconsole %s%n", standbyJmx.serviceUrl().replaceFirst("^service:jmx:rmi://[^/]+/", "service:jmx:rmi:///"));
        out.printf("  standby: %s%n", standbyJmx.serviceUrl());
        for (PrimaryConfig p : cluster.primaries()) {
            if (p.jmx() != null) {
                out.printf("  %s: %s%n", p.name(), p.jmx().serviceUrl());
            }
        }
        for (var u : cluster.secrets().jmx().users()) {
            out.printf("  login %-8s password %s  (%s)%n", u.name(), u.password(),
                    u.role() == org.understudy.config.JmxUser.Role.OPERATOR ? "runs operations, audited" : "read-only");
        }
    }

    /** The web console and metrics URLs and the demo's web logins (throwaway values, also in cluster.json). */
    private static void printWeb(PrintStream out, DemoCluster demo) {
        var cluster = demo.cluster();
        var web = cluster.standby().web();
        if (web == null) {
            return;
        }
        out.println();
        out.println("Web console (HTTPS with a self-signed certificate; its fingerprint is in each node's log):");
        out.printf("  standby: %s%n", web.url());
        for (PrimaryConfig p : cluster.primaries()) {
            if (p.web() != null) {
                out.printf("  %s: %s%n", p.name(), p.web().url());
            }
        }
        demo.webPasswords().forEach((user, password) -> out.printf("  login %-8s password %s  (%s)%n", user, password,
                user.equals(org.understudy.config.SecretsGenerator.WEB_OPERATOR) ? "runs actions, audited" : "read-only"));
        String token = cluster.secrets().web().metricsToken();
        out.printf("  metrics: curl -sk -H 'Authorization: Bearer %s' %smetrics%n", token, web.url());
    }

    private static void printGuide(PrintStream out, DemoCluster demo, DemoLayout layout) {
        var cluster = demo.cluster();
        out.println();
        out.println("Every replica is in sync. Cluster file: " + layout.configFile() + "   (details: " + layout.clusterJson() + ")");
        out.println();
        try {
            var status = AdminClient.forNode(cluster, cluster.standby().name()).getJson("/api/status");
            out.print(StatusFormatter.format(org.understudy.admin.Json.mapper().treeToValue(status, org.understudy.model.ClusterSnapshot.class)));
        } catch (Exception e) {
            out.println("(standby status unavailable: " + e.getMessage() + ")");
        }
        out.println();
        out.println("NBD exports (any NBD client works: nbdinfo, nbdcopy, qemu-img, qemu-io, fio --ioengine=nbd):");
        for (PrimaryConfig p : cluster.primaries()) {
            for (VolumeConfig v : p.volumes()) {
                out.printf("  nbd://%s:%d/%s%n", p.address(), p.nbdPort(), v.name());
            }
        }
        printWeb(out, demo);
        printJmx(out, cluster);
        PrimaryConfig p1 = cluster.primaries().getFirst();
        var snmpAgent = cluster.snmp().agent(cluster.standby().name());
        var snmpUser = cluster.secrets().snmp().user(org.understudy.config.SecretsGenerator.SNMP_MONITOR);
        if (snmpAgent.isPresent() && snmpUser.isPresent()) {
            out.println();
            out.println("SNMP (v3 authPriv SHA-256/AES; users and passwords in " + layout.clusterJson() + "): standby at udp:"
                    + snmpAgent.get() + ", each primary at udp:<its address>:" + DemoLayout.SNMP_PORT);
            out.println("  " + org.understudy.demo.DemoSnmp.walkCommand(snmpAgent.get(), snmpUser.get()));
            out.println("  traps (v2c, community " + DemoLayout.TRAP_COMMUNITY + ") go to udp:" + layout.trapHost() + ":"
                    + DemoLayout.TRAP_PORT + ", informs (v3, user ops) to udp:" + layout.trapHost() + ":" + DemoLayout.INFORM_PORT);
        }
        out.println();
        out.println("Try:");
        out.printf("  nbdinfo nbd://%s:%d/%s%n", p1.address(), p1.nbdPort(), p1.volumes().getFirst().name());
        out.printf("  understudy status --config %s --node %s%n", layout.configFile(), p1.name());
        out.printf("  understudy demo --dir %s --stop%n", layout.dir());
    }
}
