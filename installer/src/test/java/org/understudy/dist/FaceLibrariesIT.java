package org.understudy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A face a primary's block in the cluster file leaves out loads none of its libraries (README, "The primary agent's
 * footprint"): two primaries of one cluster started by the assembled launcher, side by side, their class loading
 * recorded by the JVM ({@code -Xlog:class+load} through {@code UNDERSTUDY_JAVA_OPTS}); p1 has every face, p2's block
 * has no {@code snmp:} and no {@code web:}. p1 shows that the record sees each face's libraries; p2 must have loaded no
 * SNMP4J class and none of the web console's (its servlet stack, the metrics library, its action catalog, pages and
 * assets, and no Jetty class at all: the admin API runs on the JDK's own HTTP server; but the one servlet interface
 * Log4j looks for on every node), while its admin API answers. The record covers the whole life
 * of each process, its shutdown included. Regression: the lazy loading was checked by hand only, so one eager touch
 * at start-up (SNMP4J's logging installed before the face looks for its block, the standard actions built in the
 * face's constructor) would put a library back in every agent unnoticed; and it found one: verifying the web face's
 * code loaded a Prometheus interface and the action catalog's classes on every node, block or not.
 */
class FaceLibrariesIT {
    private static final Path DIST = Launcher.DIST;
    /** Loopback net of this test's nodes: 127.143.x.y. */
    private static final String NET = "143";
    /** "[0.123s][info][class,load] org.snmp4j.Snmp source: file:/.../lib/snmp4j-3.13.1.jar" */
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\s*\\] (\\S+) source: (.*)$");

    /**
     * The one servlet class every node loads whatever its faces: Log4j asks for it by name when it starts (its check
     * whether it runs in a web application, {@code Constants.isClassAvailable}), before any face is started.
     */
    private static final String LOG4J_PROBE = "jakarta.servlet.Servlet";

    /** One class the JVM loaded, and where from (a jar's URL, "jrt:/...", "shared objects file", a host class). */
    record Loaded(String name, String source) {
        /** The jar's file name when the class came from a jar of the distribution's lib/, else "". */
        String jar() {
            int slash = source.lastIndexOf('/');
            return source.startsWith("file:") && source.endsWith(".jar") ? source.substring(slash + 1) : "";
        }
    }

    /** What makes a class belong to one face's libraries, with a name for the failure message. */
    record Library(String name, Predicate<Loaded> holds) {
    }

    private static final List<Library> SNMP = List.of(
            new Library("SNMP4J and SNMP4J-Agent", c -> c.jar().startsWith("snmp4j") || c.name().startsWith("org.snmp4j.")),
            new Library("the SNMP face's classes beyond SnmpFace (agent, MIB, notifications)",
                    c -> beyondFace(c, "org.understudy.snmp.", "org.understudy.snmp.SnmpFace")));
    private static final List<Library> WEB = List.of(
            new Library("the console's server (Jetty: its core, ee10 servlets, sessions, security; the servlet API)",
                    c -> !c.name().equals(LOG4J_PROBE) && (c.jar().startsWith("jetty-")
                            || c.jar().startsWith("jakarta.servlet") || c.name().startsWith("org.eclipse.jetty.")
                            || c.name().startsWith("jakarta.servlet."))),
            new Library("the metrics library (Prometheus)",
                    c -> c.jar().startsWith("prometheus-metrics-") || c.name().startsWith("io.prometheus.")),
            new Library("the console's action catalog", c -> c.name().startsWith("org.understudy.web.actions.")),
            new Library("the console's classes beyond WebFace (server, pages, WebJar assets, live updates, graphs)",
                    c -> beyondFace(c, "org.understudy.web.", "org.understudy.web.WebFace") || c.jar().startsWith("uplot-")));

    /** A class of the face's module other than the face class itself (and the lambdas of its own code). */
    private static boolean beyondFace(Loaded c, String modulePackage, String face) {
        return c.name().startsWith(modulePackage) && !c.name().equals(face) && !c.name().startsWith(face + "$$Lambda");
    }

    @TempDir
    Path tmp;
    private final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        for (Process p : nodes) {
            p.destroyForcibly();
        }
    }

    @Test
    void primaryWithoutSnmpAndWebBlocks_loadsNoSnmp4jAndNoConsoleLibrary_whileOneWithThemDoes() throws Exception {
        Path dir = tmp.resolve("cluster");
        Launcher.Run prepare = Launcher.understudy(tmp, "fleet", "--prepare", "--dir", dir.toString(), "--primaries", "2",
                "--volumes", "1", "--volume-size", "1MiB", "--loopback-net", NET);
        assertEquals(0, prepare.exit(), prepare.output());
        Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, withoutFaces(Files.readString(cluster), "p2", "snmp", "web"));

        Process every = start(dir, "p1");
        Process bare = start(dir, "p2");
        awaitReady(every, dir, "p1");
        awaitReady(bare, dir, "p2");
        // the admin API (the JDK's HTTP server) serves on both: it is no face, and must not need the console's classes
        String token = new YAMLMapper().readTree(dir.resolve("secrets.yaml").toFile()).path("adminToken").asText();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (String host : List.of("127." + NET + ".1.1", "127." + NET + ".1.2")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":7800/api/status"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), host + ": " + r.body());
        }
        String p1Log = Files.readString(dir.resolve("p1.out"));
        assertTrue(p1Log.contains("p1: SNMP face serving") && p1Log.contains("p1: web console at"),
                "p1 serves its SNMP agent and its web console:\n" + p1Log);
        stop(every, dir, "p1");
        stop(bare, dir, "p2");

        List<Loaded> all = classes(dir, "p1");
        List<Loaded> none = classes(dir, "p2");
        assertTrue(none.stream().anyMatch(c -> c.jar().startsWith("jackson-databind-")),
                "p2's record shows the cluster file's Jackson classes (the record sees the lib/ jars)");
        for (Library lib : concat(SNMP, WEB)) {
            assertFalse(matching(all, lib).isEmpty(), "p1, every face on, loads " + lib.name() + ": the test sees that library");
        }
        for (Library lib : concat(SNMP, WEB)) {
            assertTrue(matching(none, lib).isEmpty(), "p2, no snmp and no web block, loaded " + lib.name() + ": "
                    + matching(none, lib));
        }
    }

    /** {@code yaml} with the one-line {@code faces} blocks of primary {@code node} left out. */
    static String withoutFaces(String yaml, String node, String... faces) {
        StringBuilder out = new StringBuilder();
        boolean inNode = false;
        int removed = 0;
        for (String line : yaml.split("\n", -1)) {
            if (line.startsWith("  - name: ")) {
                inNode = line.equals("  - name: " + node);
            }
            boolean drop = false;
            for (String face : faces) {
                drop |= inNode && line.startsWith("    " + face + ": ");
            }
            if (drop) {
                removed++;
            } else {
                out.append(line).append('\n');
            }
        }
        assertEquals(faces.length, removed, "one line per face in " + node + "'s block:\n" + yaml);
        return out.substring(0, out.length() - 1);
    }

    private Process start(Path dir, String node) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(DIST.resolve("bin/understudy").toString(), "primary", "--config",
                dir.resolve("cluster.yaml").toString(), "--node", node).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(node + ".out").toFile());
        pb.environment().put("UNDERSTUDY_JAVA_OPTS", "-Xlog:class+load=info:file=" + dir.resolve(node + "-classes.log"));
        Process p = pb.start();
        nodes.add(p);
        return p;
    }

    private static void awaitReady(Process p, Path dir, String node) throws Exception {
        Path out = dir.resolve(node + ".out");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains(node + ": primary ready")) {
            assertTrue(p.isAlive(), node + " exited:\n" + Files.readString(out));
            assertTrue(System.nanoTime() < deadline, node + " not ready:\n" + Files.readString(out));
            Thread.sleep(50);
        }
    }

    /** SIGTERM and wait: every class loaded until the end, the shutdown included, is in the record. */
    private static void stop(Process p, Path dir, String node) throws Exception {
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), node + " did not stop:\n" + Files.readString(dir.resolve(node + ".out")));
    }

    private static List<Loaded> classes(Path dir, String node) throws IOException {
        List<Loaded> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(node + "-classes.log"))) {
            Matcher m = LOADED.matcher(line);
            if (m.find()) {
                loaded.add(new Loaded(m.group(1), m.group(2)));
            }
        }
        assertTrue(loaded.size() > 1000, node + ": a class-load record of " + loaded.size() + " classes");
        return loaded;
    }

    private static TreeSet<String> matching(List<Loaded> loaded, Library lib) {
        TreeSet<String> names = new TreeSet<>();
        loaded.stream().filter(lib.holds()).forEach(c -> names.add(c.name() + " (" + c.source() + ")"));
        return names;
    }

    private static List<Library> concat(List<Library> a, List<Library> b) {
        List<Library> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
