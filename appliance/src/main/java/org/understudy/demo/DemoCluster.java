package org.understudy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.understudy.admin.Json;
import org.understudy.admin.AdminClient;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import org.understudy.config.NodeConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.SecretsGenerator;
import org.understudy.config.VolumeConfig;
import org.understudy.daemon.NodeLock;
import org.understudy.model.PrimaryState;
import org.understudy.replica.Replica;
import org.understudy.storage.FileBlockDevice;
import org.understudy.storage.FileTrees;

/**
 * A whole cluster on this machine: writes the cluster and secrets files and the volume files into the demo directory,
 * starts the standby and every primary as separate JVMs, waits until every replica is in sync and the standby holds
 * every primary protected, and records where everything is in {@code cluster.json}. {@link #stop} stops every node
 * of a demo directory, including nodes an operator restarted by hand (their pids are in their state directories).
 */
public final class DemoCluster {
    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final DemoLayout layout;
    private final PrintStream out;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final boolean fence;
    private ClusterConfig cluster;
    /** The web logins' passwords: the secrets file holds only their hashes. */
    private SecretsGenerator.WebLogins webLogins = new SecretsGenerator.WebLogins(Map.of());

    public DemoCluster(DemoLayout layout, PrintStream out) {
        this(layout, out, true);
    }

    /** @param fence configure {@link DemoFence} as every primary's fencing command (a power switch per node) */
    public DemoCluster(DemoLayout layout, PrintStream out, boolean fence) {
        this.layout = layout;
        this.out = out;
        this.fence = fence;
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    /** Writes a fresh demo into the directory; refuses if a demo is running there or the directory holds other things. */
    public void prepare() throws IOException, ConfigException {
        Path dir = layout.dir();
        if (Files.isDirectory(dir)) {
            if (Files.exists(layout.clusterJson()) || Files.exists(layout.configFile())) {
                List<String> running = runningNodes(dir);
                if (!running.isEmpty()) {
                    throw new IOException("a demo is already running in " + dir + " (nodes " + running + "); stop it with: understudy demo --dir "
                            + dir + " --stop");
                }
                for (String sub : List.of("data", "state", "logs")) {
                    FileTrees.delete(dir.resolve(sub));
                }
                for (Path f : List.of(layout.clusterJson(), layout.configFile(), layout.secretsFile(),
                        dir.resolve(DemoFence.SCRIPT))) {
                    Files.deleteIfExists(f);
                }
            } else {
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw new IOException(dir + " is not empty and holds no demo; choose another --dir");
                    }
                }
            }
        }
        Files.createDirectories(dir);
        webLogins = new SecretsGenerator().write(layout.secretsFile());
        if (fence) {
            DemoFence.write(dir);
        }
        Files.writeString(layout.configFile(), layout.clusterYaml(fence), StandardCharsets.UTF_8);
        cluster = ClusterConfigLoader.load(layout.configFile());
        for (PrimaryConfig p : cluster.primaries()) {
            for (VolumeConfig v : p.volumes()) {
                try (FileBlockDevice dev = FileBlockDevice.open(v.file(), v.size(), p.name() + "/" + v.name())) {
                    // a label at the start, so the initial sync has something to carry and a reader something to see
                    byte[] label = ("Understudy demo volume " + p.name() + "/" + v.name() + "\n").getBytes(StandardCharsets.US_ASCII);
                    dev.write(0, ByteBuffer.wrap(label), true);
                }
            }
        }
    }

    /** Starts the standby, then every primary. */
    public void startAll(boolean detach) throws IOException {
        launch("standby", cluster.standby(), detach);
        for (PrimaryConfig p : cluster.primaries()) {
            launch("primary", p, detach);
        }
    }

    private void launch(String role, NodeConfig node, boolean detach) throws IOException {
        Process proc = NodeProcesses.launch(role, layout.configFile(), node.name(), layout.logDir().resolve(node.name() + ".out"), detach);
        processes.put(node.name(), proc);
    }

    /**
     * Polls every node until each replica reports in sync and the standby holds every primary {@code PROTECTED}
     * (in sync and every health path up: what a switchover needs, so a demo said to be ready takes one at once); fails
     * early if a node exits.
     */
    public void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        String last = "";
        while (true) {
            for (Map.Entry<String, Process> e : processes.entrySet()) {
                if (!e.getValue().isAlive()) {
                    throw new IOException("node " + e.getKey() + " exited with code " + e.getValue().exitValue() + "; see "
                            + layout.logDir().resolve(e.getKey() + ".out"));
                }
            }
            int total = 0;
            int inSync = 0;
            int protectedPrimaries = 0;
            String problem = null;
            for (NodeConfig node : allNodes()) {
                try {
                    JsonNode status = AdminClient.forNode(cluster, node.name()).getJson("/api/status");
                    for (JsonNode v : status.path("volumes")) {
                        total++;
                        if ("IN_SYNC".equals(v.path("state").asText())) {
                            inSync++;
                        }
                    }
                    if (node == cluster.standby()) {
                        for (JsonNode p : status.path("primaries")) {
                            if (PrimaryState.PROTECTED.name().equals(p.path("state").asText())) {
                                protectedPrimaries++;
                            }
                        }
                    }
                } catch (IOException | ConfigException e) {
                    problem = node.name() + " not answering yet";
                }
            }
            int expected = 2 * cluster.primaries().stream().mapToInt(p -> p.volumes().size()).sum();
            int primaries = cluster.primaries().size();
            String now = problem != null ? problem : inSync + "/" + total + " volume copies in sync, "
                    + protectedPrimaries + "/" + primaries + " primaries protected";
            if (!now.equals(last)) {
                out.println("demo: " + now);
                last = now;
            }
            if (problem == null && total == expected && inSync == expected && protectedPrimaries == primaries) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("demo not ready after " + SYNC_TIMEOUT.toSeconds() + " s (" + now + "); logs in "
                        + layout.logDir());
            }
            Thread.sleep(200);
        }
    }

    private List<NodeConfig> allNodes() {
        List<NodeConfig> nodes = new ArrayList<>();
        nodes.add(cluster.standby());
        nodes.addAll(cluster.primaries());
        return nodes;
    }

    /** Writes {@code cluster.json}: nodes, volumes and the cluster file, for scripts and tests. */
    public Path writeClusterJson() throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("dir", layout.dir().toString());
        root.put("config", layout.configFile().toString());
        root.put("secrets", layout.secretsFile().toString());
        ArrayNode nodes = root.putArray("nodes");
        for (NodeConfig n : allNodes()) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name());
            o.put("role", n == cluster.standby() ? "standby" : "primary");
            o.put("pid", processes.get(n.name()).pid());
            o.put("stateDir", n.stateDir().toString());
            o.put("adminUrl", "http://" + n.admin());
            o.put("address", n.address());
            cluster.snmp().agent(n.name()).ifPresent(e -> DemoSnmp.describe(o.putObject("snmp"), e, cluster.secrets().snmp()));
            jmxEntry(o, n);
            webEntry(o, n);
        }
        ObjectNode traps = root.putObject("traps");
        traps.put("host", layout.trapHost());
        traps.put("trapPort", DemoLayout.TRAP_PORT);
        traps.put("informPort", DemoLayout.INFORM_PORT);
        traps.put("community", DemoLayout.TRAP_COMMUNITY);
        ArrayNode vols = root.putArray("volumes");
        for (PrimaryConfig p : cluster.primaries()) {
            for (VolumeConfig v : p.volumes()) {
                ObjectNode o = vols.addObject();
                o.put("primary", p.name());
                o.put("name", v.name());
                o.put("nbd", "nbd://" + p.address() + ":" + p.nbdPort() + "/" + v.name());
                o.put("size", v.size());
                o.put("primaryFile", v.file().toString());
                o.put("replicaFile", Replica.imagePath(cluster.standby(), p.name(), v.name()).toString());
            }
        }
        Path tmp = layout.clusterJson().resolveSibling("cluster.json.tmp");
        // every demo password is in it: readable by its owner only, like the secrets file, from the first byte
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, layout.clusterJson(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return layout.clusterJson();
    }

    /**
     * The node's JMX connector for scripts and tests: service URL and the operator login, plus the read-only monitor
     * login under {@code monitor}.
     */
    private void jmxEntry(ObjectNode o, NodeConfig n) {
        if (n.jmx() == null) {
            return;
        }
        ObjectNode j = o.putObject("jmx");
        j.put("url", n.jmx().serviceUrl());
        cluster.secrets().jmx().user(SecretsGenerator.JMX_OPERATOR).ifPresent(u -> {
            j.put("user", u.name());
            j.put("password", u.password());
        });
        cluster.secrets().jmx().user(SecretsGenerator.JMX_MONITOR).ifPresent(u -> {
            ObjectNode m = j.putObject("monitor");
            m.put("user", u.name());
            m.put("password", u.password());
        });
    }

    /**
     * The node's web console and metrics for scripts and tests: {@code web} with the URL and the operator login (the
     * read-only login under {@code monitor}), as for JMX; {@code metrics} with its URL and the bearer token.
     */
    private void webEntry(ObjectNode o, NodeConfig n) {
        if (n.web() == null) {
            return;
        }
        ObjectNode w = o.putObject("web");
        w.put("url", n.web().url());
        String operator = webLogins.passwords().get(SecretsGenerator.WEB_OPERATOR);
        if (operator != null) {
            w.put("user", SecretsGenerator.WEB_OPERATOR);
            w.put("password", operator);
        }
        String monitor = webLogins.passwords().get(SecretsGenerator.WEB_MONITOR);
        if (monitor != null) {
            ObjectNode m = w.putObject("monitor");
            m.put("user", SecretsGenerator.WEB_MONITOR);
            m.put("password", monitor);
        }
        ObjectNode metrics = o.putObject("metrics");
        metrics.put("url", n.web().url() + "metrics");
        if (!n.web().metricsOpen() && cluster.secrets().web().metricsToken() != null) {
            metrics.put("token", cluster.secrets().web().metricsToken());
        }
    }

    /** The web logins' passwords of this demo (empty before {@link #prepare}). */
    public Map<String, String> webPasswords() {
        return webLogins.passwords();
    }

    /**
     * Stops the nodes this object started, the standby first: stopped after its primaries, it would see each of them
     * go away, declare it failed and take it over in its last seconds.
     */
    public void stopStarted() {
        List<String> names = new ArrayList<>(processes.keySet());
        if (names.remove(DemoLayout.STANDBY)) {
            names.addFirst(DemoLayout.STANDBY);
        }
        for (String n : names) {
            Process p = processes.get(n);
            if (p.isAlive()) {
                NodeProcesses.stop(p.toHandle(), STOP_GRACE);
            }
        }
    }

    /** Stops every node of the demo in {@code dir}, whoever started it. Returns the number of nodes stopped. */
    public static int stop(Path dir, PrintStream out) throws IOException {
        dir = dir.toAbsolutePath().normalize();
        Map<String, Long> nodes = nodesOf(dir);
        if (nodes.isEmpty()) {
            throw new IOException("no demo in " + dir + " (no cluster.json or cluster.yaml)");
        }
        int stopped = 0;
        // the standby first: a primary stopping under a running standby is a failure to it, and it would take over
        List<String> order = new ArrayList<>(nodes.keySet());
        order.remove(DemoLayout.STANDBY);
        order.addFirst(DemoLayout.STANDBY);
        for (String name : order) {
            Long pid = nodes.get(name);
            if (pid == null) {
                continue;
            }
            var handle = NodeProcesses.nodeProcess(pid, name);
            if (handle.isPresent()) {
                boolean clean = NodeProcesses.stop(handle.get(), STOP_GRACE);
                out.println("demo: stopped " + name + " (pid " + pid + (clean ? ")" : ", had to be killed)"));
                stopped++;
            }
        }
        return stopped;
    }

    private static List<String> runningNodes(Path dir) {
        List<String> running = new ArrayList<>();
        nodesOf(dir).forEach((name, pid) -> {
            if (pid != null && NodeProcesses.nodeProcess(pid, name).isPresent()) {
                running.add(name);
            }
        });
        return running;
    }

    /** Node name → pid, from each node's state directory (covers restarts by hand), else from cluster.json. */
    private static Map<String, Long> nodesOf(Path dir) {
        Map<String, Long> nodes = new LinkedHashMap<>();
        Path json = dir.resolve("cluster.json");
        if (Files.exists(json)) {
            try {
                for (JsonNode n : Json.mapper().readTree(json.toFile()).path("nodes")) {
                    nodes.put(n.path("name").asText(), n.path("pid").asLong());
                }
            } catch (IOException ignored) {
                // fall back to the state directories below
            }
        }
        Path state = dir.resolve("state");
        if (Files.isDirectory(state)) {
            try (Stream<Path> s = Files.list(state)) {
                s.forEach(nodeDir -> NodeLock.readPid(nodeDir).ifPresent(pid -> nodes.put(nodeDir.getFileName().toString(), pid)));
            } catch (IOException ignored) {
                // nothing more to find
            }
        }
        return nodes;
    }
}
