package org.understudy.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a demo cluster on this machine's loopback addresses: standby 127.0.2.1, primaries 127.0.1.1..N,
 * each with two file-backed volumes (or {@code volumesPerPrimary}, vol0, vol1, ...; the load harness asks for more). {@code loopbackNet} moves the whole cluster to 127.NET.x.y, so several demos
 * (or a demo and the tests) can run side by side. Pure: it only computes names, addresses and paths.
 */
public record DemoLayout(Path dir, int primaries, long volumeSize, int loopbackNet, int volumesPerPrimary) {
    public static final String STANDBY = "standby";
    public static final int NBD_PORT = 10809;
    public static final int ADMIN_PORT = 7800;
    public static final int REPLICATION_PORT = 7700;
    /** Every node's JMX connector (registry and server) listens on its own address at this port. */
    public static final int JMX_PORT = 17199;
    /** Every node's web console (HTTPS, self-signed at first start) and /metrics listen on its address at this port. */
    public static final int WEB_PORT = 8443;
    public static final List<String> VOLUMES = List.of("vol0", "vol1");
    /** Every node's SNMP agent listens on its own address at this (unprivileged) UDP port. */
    public static final int SNMP_PORT = 16161;
    /** Where the demo sends SNMPv2c traps (community {@value #TRAP_COMMUNITY}): run snmptrapd there to see them. */
    public static final int TRAP_PORT = 16162;
    /** Where the demo sends SNMPv3 informs as the operator user. */
    public static final int INFORM_PORT = 16163;
    public static final String TRAP_COMMUNITY = "demo-traps";

    /** The demo's shape: two volumes per primary. */
    public DemoLayout(Path dir, int primaries, long volumeSize, int loopbackNet) {
        this(dir, primaries, volumeSize, loopbackNet, VOLUMES.size());
    }

    public DemoLayout {
        if (volumesPerPrimary < 1 || volumesPerPrimary > 16) {
            throw new IllegalArgumentException("volumes per primary must be between 1 and 16, was " + volumesPerPrimary);
        }
        if (primaries < 1 || primaries > 200) {
            throw new IllegalArgumentException("--primaries must be between 1 and 200, was " + primaries);
        }
        if (loopbackNet < 0 || loopbackNet > 254) {
            throw new IllegalArgumentException("--loopback-net must be between 0 and 254, was " + loopbackNet);
        }
        if (volumeSize < 1 << 20 || volumeSize % 4096 != 0) {
            throw new IllegalArgumentException("--volume-size must be at least 1MiB and a multiple of 4KiB, was " + volumeSize);
        }
        dir = dir.toAbsolutePath().normalize();
    }

    public Path configFile() {
        return dir.resolve("cluster.yaml");
    }

    public Path secretsFile() {
        return dir.resolve("secrets.yaml");
    }

    public Path clusterJson() {
        return dir.resolve("cluster.json");
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    public Path stateDir(String node) {
        return dir.resolve("state").resolve(node);
    }

    public Path volumeFile(String primary, String volume) {
        return dir.resolve("data").resolve(primary).resolve(volume + ".img");
    }

    /** vol0, vol1, ... one per volume of a primary. */
    public List<String> volumeNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < volumesPerPrimary; i++) {
            names.add("vol" + i);
        }
        return names;
    }

    public List<String> primaryNames() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= primaries; i++) {
            names.add("p" + i);
        }
        return names;
    }

    /** 127.0.1.1 for p1, 127.0.1.2 for p2 ... (at most 200 primaries). */
    public String primaryAddress(String primary) {
        int i = Integer.parseInt(primary.substring(1));
        return "127." + loopbackNet + ".1." + i;
    }

    /** 127.0.2.1 unless moved by {@code loopbackNet}. */
    public String standbyAddress() {
        return "127." + loopbackNet + ".2.1";
    }

    /**
     * Where the demo's notifications go: 127.0.0.1 unless moved by {@code loopbackNet} (127.NET.0.1), so two demos
     * side by side never cross their traps.
     */
    public String trapHost() {
        return "127." + loopbackNet + ".0.1";
    }

    /** The cluster file the demo writes, without fencing commands. */
    public String clusterYaml() {
        return clusterYaml(false);
    }

    /**
     * The cluster file the demo writes: the same format an operator writes, with comments.
     *
     * @param fence every primary's {@code failover.fencingCommand} is {@link DemoFence}'s script (which the caller
     *              writes into the demo directory)
     */
    public String clusterYaml(boolean fence) {
        StringBuilder y = new StringBuilder();
        y.append("# Understudy demo cluster, written by 'understudy demo'. Every node reads this same file.\n");
        y.append("cluster:\n  name: demo\n  secrets: secrets.yaml\n");
        y.append("  snmp:\n    notify:\n");
        y.append("      - { address: ").append(trapHost()).append(", port: ").append(TRAP_PORT)
                .append(", version: v2c, community: ").append(TRAP_COMMUNITY).append(", type: trap }\n");
        y.append("      - { address: ").append(trapHost()).append(", port: ").append(INFORM_PORT)
                .append(", version: v3, user: ops, type: inform, retries: 2, timeoutMs: 1000 }\n");
        // executables dropped into failover.d/<primary>/ run at a takeover and at a rehearsal (none at first)
        y.append("failover:\n  commandsDir: failover.d\n");
        y.append("standby:\n");
        y.append("  name: ").append(STANDBY).append('\n');
        y.append("  address: ").append(standbyAddress()).append('\n');
        y.append("  replication: { address: ").append(standbyAddress()).append(", port: ").append(REPLICATION_PORT).append(" }\n");
        y.append("  admin: { address: ").append(standbyAddress()).append(", port: ").append(ADMIN_PORT).append(" }\n");
        y.append("  stateDir: state/").append(STANDBY).append('\n');
        y.append("  snmp: { address: ").append(standbyAddress()).append(", port: ").append(SNMP_PORT).append(" }\n");
        y.append("  jmx: { address: ").append(standbyAddress()).append(", port: ").append(JMX_PORT).append(" }\n");
        y.append("  web: { address: ").append(standbyAddress()).append(", port: ").append(WEB_PORT).append(" }\n");
        y.append("primaries:\n");
        for (String p : primaryNames()) {
            String addr = primaryAddress(p);
            y.append("  - name: ").append(p).append('\n');
            y.append("    address: ").append(addr).append('\n');
            y.append("    nbdPort: ").append(NBD_PORT).append('\n');
            y.append("    admin: { address: ").append(addr).append(", port: ").append(ADMIN_PORT).append(" }\n");
            y.append("    stateDir: state/").append(p).append('\n');
            y.append("    snmp: { address: ").append(addr).append(", port: ").append(SNMP_PORT).append(" }\n");
            y.append("    jmx: { address: ").append(addr).append(", port: ").append(JMX_PORT).append(" }\n");
            y.append("    web: { address: ").append(addr).append(", port: ").append(WEB_PORT).append(" }\n");
            if (fence) {
                // the demo's power switch for this node: a frozen primary is displaced before await-release
                y.append("    failover: { fencingCommand: ").append(DemoFence.commandYaml(p)).append(" }\n");
            }
            y.append("    volumes:\n");
            for (String v : volumeNames()) {
                y.append("      - { name: ").append(v).append(", file: data/").append(p).append('/').append(v)
                        .append(".img, size: ").append(volumeSize).append(", mode: sync }\n");
            }
        }
        return y.toString();
    }
}
