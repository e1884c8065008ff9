package org.understudy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.understudy.Main;
import org.understudy.demo.NodeProcesses;

/**
 * A demo cluster of real node processes for end-to-end tests: started with {@code understudy demo --detach}, read
 * back from {@code cluster.json}, with helpers to SIGKILL, restart and query nodes. Always stop it in an
 * {@code @AfterAll}/{@code @AfterEach}: {@link #close()} stops every node, including restarted ones.
 */
public final class DemoFixture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One volume of the demo as cluster.json lists it. */
    public record Volume(String primary, String name, String nbd, long size, Path primaryFile, Path replicaFile) {
    }

    private final Path dir;
    private final JsonNode clusterJson;

    private DemoFixture(Path dir, JsonNode clusterJson) {
        this.dir = dir;
        this.clusterJson = clusterJson;
    }

    private static final java.util.concurrent.atomic.AtomicInteger DEMOS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Starts a demo in {@code dir} and returns once every replica is in sync and every primary protected. Unless the
     * arguments say otherwise, the demo gets loopback addresses of its own (127.N.x.y), so tests never collide with a
     * demo or another test run.
     */
    public static DemoFixture start(Path dir, String... extraArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("demo", "--dir", dir.toString(), "--detach"));
        args.addAll(List.of(extraArgs));
        if (!args.contains("--loopback-net")) {
            int net = 10 + (int) ((ProcessHandle.current().pid() * 7 + DEMOS.getAndIncrement()) % 240);
            args.addAll(List.of("--loopback-net", Integer.toString(net)));
        }
        CliRun run = cli(args.toArray(String[]::new));
        if (run.exit() != 0) {
            stopQuietly(dir);
            throw new AssertionError("demo failed to start (exit " + run.exit() + "):\n" + run.stdout() + logs(dir));
        }
        return new DemoFixture(dir, JSON.readTree(dir.resolve("cluster.json").toFile()));
    }

    public Path dir() {
        return dir;
    }

    /** A node's production address (for a primary, where its exports are). */
    public String address(String node) {
        for (JsonNode n : clusterJson.path("nodes")) {
            if (n.path("name").asText().equals(node)) {
                return n.path("address").asText();
            }
        }
        throw new AssertionError("no node " + node + " in cluster.json");
    }

    public Path config() {
        return Path.of(clusterJson.path("config").asText());
    }

    public JsonNode clusterJson() {
        return clusterJson;
    }

    public List<Volume> volumes() {
        List<Volume> vs = new ArrayList<>();
        for (JsonNode v : clusterJson.path("volumes")) {
            vs.add(new Volume(v.path("primary").asText(), v.path("name").asText(), v.path("nbd").asText(), v.path("size").asLong(),
                    Path.of(v.path("primaryFile").asText()), Path.of(v.path("replicaFile").asText())));
        }
        return vs;
    }

    public Volume volume(String primary, String name) {
        return volumes().stream().filter(v -> v.primary().equals(primary) && v.name().equals(name)).findFirst().orElseThrow();
    }

    /** The current pid of a node (from its state directory, so restarts are followed). */
    public long pid(String node) {
        Path stateDir = dir.resolve("state").resolve(node);
        return org.understudy.daemon.NodeLock.readPid(stateDir).orElseThrow(() -> new AssertionError(node + " has no pid file"));
    }

    public boolean alive(String node) {
        try {
            return NodeProcesses.nodeProcess(pid(node), node).isPresent();
        } catch (AssertionError e) {
            return false;
        }
    }

    /** SIGKILLs a node and waits until it is gone. */
    public void kill(String node) throws Exception {
        ProcessHandle h = NodeProcesses.nodeProcess(pid(node), node).orElseThrow(() -> new AssertionError(node + " is not running"));
        h.destroyForcibly();
        h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Starts a node again by hand, as an operator would, and waits until its admin API answers. */
    public void restart(String node) throws Exception {
        String role = node.equals("standby") ? "standby" : "primary";
        NodeProcesses.launch(role, config(), node, dir.resolve("logs").resolve(node + ".out"), true);
        Poll.until(Duration.ofSeconds(60), node + " admin API answering", () -> status(node) != null);
    }

    /** The node's {@code understudy status --json}, parsed; null if it does not answer. */
    public JsonNode status(String node) throws Exception {
        CliRun run = cli("status", "--config", config().toString(), "--node", node, "--json");
        return run.exit() == 0 ? JSON.readTree(run.stdout()) : null;
    }

    /** Exit code and standard output of one in-process CLI run. */
    public record CliRun(int exit, String stdout) {
    }

    /**
     * Runs an {@code understudy} command line in this JVM against this demo's cluster file ({@code --config} added),
     * capturing what it prints on standard output and standard error together.
     */
    public CliRun cliOnCluster(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--config", config().toString()));
        java.io.StringWriter out = new java.io.StringWriter();
        int code = Main.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(out, true), a.toArray(String[]::new));
        return new CliRun(code, out.toString());
    }

    /** Runs an {@code understudy} command line in this JVM, capturing what it prints on standard output. */
    public static CliRun cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        synchronized (DemoFixture.class) {
            PrintStream saved = System.out;
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            try {
                return new CliRun(Main.run(args), buf.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(saved);
            }
        }
    }

    /** The state (e.g. IN_SYNC) of one volume as a node reports it; null if unknown. */
    public String volumeState(String node, String primary, String volume) throws Exception {
        JsonNode s = status(node);
        if (s == null) {
            return null;
        }
        for (JsonNode v : s.path("volumes")) {
            if (v.path("primary").asText().equals(primary) && v.path("name").asText().equals(volume)) {
                return v.path("state").asText();
            }
        }
        return null;
    }

    /** The state (e.g. STANDING_IN) of {@code primary} as {@code node} reports it; null if it does not answer. */
    public String primaryState(String node, String primary) throws Exception {
        JsonNode s = status(node);
        if (s == null) {
            return null;
        }
        for (JsonNode p : s.path("primaries")) {
            if (p.path("name").asText().equals(primary)) {
                return p.path("state").asText(null);
            }
        }
        return null;
    }

    /** Runs one qemu-io command (cache off) against an NBD URI; fails the test on an error or a pattern mismatch. */
    public static void qemu(String nbd, String command) throws Exception {
        Cmd.Result r = Cmd.run(Duration.ofSeconds(30), "qemu-io", "-f", "raw", "-t", "none", "-c", command, nbd).ok();
        org.junit.jupiter.api.Assertions.assertTrue(!r.output().contains("Pattern verification failed"),
                command + ": " + r.output());
    }

    /** Waits until both ends report the volume in sync. */
    public void awaitInSync(String primary, String volume, Duration limit) throws InterruptedException {
        Poll.until(limit, primary + "/" + volume + " in sync on both ends",
                () -> "IN_SYNC".equals(volumeState(primary, primary, volume)) && "IN_SYNC".equals(volumeState("standby", primary, volume)));
    }

    @Override
    public void close() {
        stopQuietly(dir);
    }

    private static void stopQuietly(Path dir) {
        try {
            org.understudy.demo.DemoCluster.stop(dir, new PrintStream(java.io.OutputStream.nullOutputStream()));
        } catch (IOException ignored) {
            // nothing was running
        }
    }

    /** The tail of every node's output, for failure messages. */
    public static String logs(Path dir) {
        StringBuilder sb = new StringBuilder();
        Path logs = dir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return "";
        }
        try (var s = Files.list(logs)) {
            for (Path f : s.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                sb.append("\n--- ").append(f.getFileName()).append(" (last 40 lines)\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> sb.append(l).append('\n'));
            }
        } catch (IOException e) {
            sb.append("(logs unreadable: ").append(e).append(")");
        }
        return sb.toString();
    }
}
