package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.SecretsGenerator;

/**
 * As root only: three hosts as network namespaces on a bridge (in a fourth namespace, so nothing touches the host's
 * own network; 10.77.0.0/24 exists only inside them). The primary serves 10.77.0.10 and mirrors to the standby; the
 * primary "host" dies (process killed, its link down); the standby takes 10.77.0.10 with {@code ip addr add} and
 * gratuitous ARP ({@code identity: ip}), and the client namespace reads the data back from the same address.
 */
class NetnsFailoverIT {
    private static final String PREFIX = "usfo";
    private static final List<String> NAMESPACES = List.of(PREFIX + "-br", PREFIX + "-sb", PREFIX + "-p1", PREFIX + "-cl");
    private static final String SERVICE = "10.77.0.10";

    @TempDir
    Path tmp;
    private final List<Process> nodes = new ArrayList<>();

    @Test
    void primaryHostDies_standbyTakesRealAddressWithGratuitousArp_clientInThirdNamespaceReachesIt() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        Cmd.require("ip");
        Cmd.require("arping");
        Cmd.require("qemu-io");
        try {
            cleanup();
            network();
            Path config = writeCluster();
            nodes.add(node("sb", "standby", config));
            nodes.add(node("p1", "primary", config));
            Poll.until(Duration.ofSeconds(60), "p1's export answers at " + SERVICE, () ->
                    Cmd.run(Duration.ofSeconds(10), ns("cl", "nbdinfo", "--size", "nbd://" + SERVICE + ":10809/vol0")).exit() == 0);
            Cmd.run(Duration.ofSeconds(30), ns("cl", "qemu-io", "-f", "raw", "-c", "write -P 0x3c 0 1M", "-c", "write -P 0x4d 5M 64k",
                    "nbd://" + SERVICE + ":10809/vol0")).ok();
            // the standby must hold the writes before the host dies: wait until the replica is in sync
            Poll.until(Duration.ofSeconds(60), "p1 PROTECTED (replica in sync)",
                    () -> Files.readString(tmp.resolve("state/standby/logs/understudy.log")).contains("-> PROTECTED"));

            nodes.get(1).destroyForcibly().waitFor();
            Cmd.run(Duration.ofSeconds(10), ns("p1", "ip", "link", "set", "vp1", "down")).ok();

            Poll.until(Duration.ofSeconds(20), "the standby holds " + SERVICE, () ->
                    Cmd.run(Duration.ofSeconds(5), ns("sb", "ip", "-4", "addr", "show", "dev", "vsb")).output().contains(SERVICE + "/24"));
            Poll.until(Duration.ofSeconds(20), "the client reads the data back from " + SERVICE, () ->
                    Cmd.run(Duration.ofSeconds(15), ns("cl", "qemu-io", "-f", "raw", "-c", "read -P 0x3c 0 1M", "-c", "read -P 0x4d 5M 64k",
                            "nbd://" + SERVICE + ":10809/vol0")).exit() == 0);
            String log = Files.readString(tmp.resolve("state/standby/logs/understudy.log"));
            assertTrue(log.contains("gratuitous ARP"), "takeover via ip addr add + arping logged");
            log.lines().filter(l -> l.contains("-> STANDING_IN") || l.contains("take-over-identity")).forEach(System.out::println);
        } finally {
            for (Process p : nodes) {
                p.destroyForcibly().waitFor();
            }
            cleanup();
        }
    }

    private void network() throws Exception {
        for (String n : NAMESPACES) {
            sh("ip", "netns", "add", n);
        }
        sh(ns("br", "ip", "link", "add", "br0", "type", "bridge"));
        sh(ns("br", "ip", "link", "set", "br0", "up"));
        String[][] hosts = {{"sb", "10.77.0.2"}, {"p1", SERVICE}, {"cl", "10.77.0.3"}};
        for (String[] h : hosts) {
            String inner = "v" + h[0];
            String outer = "b" + h[0];
            sh("ip", "link", "add", inner, "netns", PREFIX + "-" + h[0], "type", "veth", "peer", "name", outer, "netns", PREFIX + "-br");
            sh(ns("br", "ip", "link", "set", outer, "master", "br0", "up"));
            sh(ns(h[0], "ip", "addr", "add", h[1] + "/24", "dev", inner));
            sh(ns(h[0], "ip", "link", "set", inner, "up"));
            sh(ns(h[0], "ip", "link", "set", "lo", "up"));
        }
    }

    private Path writeCluster() throws Exception {
        new SecretsGenerator().write(tmp.resolve("secrets.yaml"));
        Files.createDirectories(tmp.resolve("data"));
        try (var f = new java.io.RandomAccessFile(tmp.resolve("data/vol0.img").toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        Path config = tmp.resolve("cluster.yaml");
        Files.writeString(config, """
                cluster: { name: netns, secrets: secrets.yaml }
                failover: { identity: ip, device: vsb, prefix: 24 }
                standby:
                  name: standby
                  address: 10.77.0.2
                  admin: { address: 127.0.0.1, port: 7800 }
                  stateDir: state/standby
                primaries:
                  - name: p1
                    address: %s
                    admin: { address: 127.0.0.1, port: 7801 }
                    stateDir: state/p1
                    volumes: [ { name: vol0, file: data/vol0.img, size: 8MiB } ]
                """.formatted(SERVICE));
        return config;
    }

    private Process node(String host, String role, Path config) throws Exception {
        // the shipped logging configuration, so each node writes its decisions to stateDir/logs/understudy.log
        Path log4j = Path.of(System.getProperty("understudy.conf", "../conf")).resolve("log4j2.yaml").toAbsolutePath();
        List<String> cmd = ns(host, ProcessHandle.current().info().command().orElse("java"),
                "-Dlog4j2.configurationFile=" + log4j, "-cp",
                System.getProperty("java.class.path"), "org.understudy.Main", role, "--config", config.toString(), "--node",
                role.equals("standby") ? "standby" : "p1");
        return Cmd.start(tmp.resolve(role + ".out"), cmd);
    }

    private static List<String> ns(String host, String... cmd) {
        List<String> l = new ArrayList<>(List.of("ip", "netns", "exec", PREFIX + "-" + host));
        l.addAll(List.of(cmd));
        return l;
    }

    private static void sh(String... cmd) throws Exception {
        Cmd.run(Duration.ofSeconds(10), cmd).ok();
    }

    private static void sh(List<String> cmd) throws Exception {
        Cmd.run(Duration.ofSeconds(10), cmd).ok();
    }

    /** Deletes only this test's namespaces, by name; their veths and the bridge go with them. */
    private static void cleanup() throws Exception {
        for (String n : NAMESPACES) {
            Cmd.run(Duration.ofSeconds(10), "ip", "netns", "del", n);
        }
    }
}
