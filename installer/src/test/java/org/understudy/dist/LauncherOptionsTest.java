package org.understudy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.demo.NodeProcesses;
import org.understudy.demo.RoleClassPath;
import org.understudy.demo.RoleJvmOptions;

/**
 * The JVM options each node role runs with (README, "The primary agent's footprint" and "The standby's memory"): the
 * option files {@code conf/jvm/ROLE.options} hold them, and both {@code bin/understudy} (the source launcher run
 * against a stand-in JDK 21 whose {@code java} prints what it was given, its argument files expanded here by the
 * {@code java} launcher's rules) and {@link NodeProcesses} (the demo's nodes) pass them. Regression: the demo started
 * its nodes with options of its own, so every benchmark built on a demo measured nodes unlike the installed ones.
 */
class LauncherOptionsTest {
    private static final Path LAUNCHER = Path.of("src/bin/understudy");
    /** The source tree's conf/, which the distribution ships as its conf/. */
    private static final Path CONF = Path.of("../conf");

    @TempDir
    Path tmp;

    @Test
    void primary_runsTheAgentsFootprintOptions_c1Only() throws Exception {
        List<String> raw = launch("primary", "--config", "cluster.yaml", "--node", "p1");
        assertTrue(raw.contains("@" + Path.of("src").toAbsolutePath() + "/conf/jvm/primary.options"),
                "the launcher passes the distribution's option file: " + raw);
        List<String> args = expand(raw);
        for (String o : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms8m", "-Xmx256m",
                "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:ReservedCodeCacheSize=32m",
                "-XX:TrimNativeHeapInterval=10000", "-Xss512k", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:AsyncDeflationInterval=10000", "-Dorg.eclipse.jetty.util.referencesPerCacheLine=16",
                "-XX:Tier3InvocationThreshold=2000", "-XX:Tier3MinInvocationThreshold=1000",
                "-XX:Tier3CompileThreshold=20000")) {
            assertTrue(args.contains(o), "the primary agent runs with " + o + ": " + args);
        }
        assertTrue(args.contains("MALLOC_ARENA_MAX=2"), "glibc malloc limited to two arenas: " + args);
        assertEquals(List.of("primary", "--config", "cluster.yaml", "--node", "p1"),
                args.subList(args.size() - 5, args.size()), "the command line follows the options");
    }

    @Test
    void standby_keepsTheJvmDefaults_butTrimsTheNativeHeap() throws Exception {
        for (String role : List.of("standby", "demo")) {
            List<String> args = expand(launch(role, "--config", "cluster.yaml", "--node", "standby"));
            assertTrue(args.contains("-XX:TrimNativeHeapInterval=60000"),
                    role + ": freed native memory given back every minute (README, \"The standby's memory\"): " + args);
            assertTrue(args.contains("-Dhttp.keepAlive.time.server=20"),
                    role + ": an idle admin connection kept across the 5 s caps refresh, closed before the server's 30 s: "
                            + args);
            assertFalse(args.stream().anyMatch(a -> a.matches("MALLOC_ARENA_MAX=.+")),
                    role + ": glibc's arenas not limited (two cost a loaded standby CPU and failover time): " + args);
            assertFalse(args.stream().anyMatch(a -> a.startsWith("-Xm") || a.startsWith("-Xss")
                            || a.startsWith("-XX:") && !a.equals("-XX:TrimNativeHeapInterval=60000")),
                    role + " keeps the JVM's defaults otherwise: " + args);
        }
    }

    @Test
    void clientCommands_runTheArchivesTrainingOptions() throws Exception {
        // the class-data archive is recorded with conf/jvm/client.options (CliArchive): the same file, or the archive
        // misses classes a client command loads
        List<String> raw = launch("status", "--config", "cluster.yaml");
        assertTrue(raw.contains("@" + Path.of("src").toAbsolutePath() + "/conf/jvm/client.options"), "" + raw);
        List<String> args = expand(raw);
        for (String o : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss1m",
                "-Djdk.reflect.useNativeAccessorOnly=true")) {
            assertTrue(args.contains(o), "a client command runs with " + o + ": " + args);
        }
    }

    @Test
    void operatorOptions_comeLast_andWin() throws Exception {
        List<String> args = expand(launch("primary", "--node", "p1"));
        List<String> withOps = expand(launchWith("-XX:TieredStopAtLevel=4", "primary", "--node", "p1"));
        assertTrue(withOps.lastIndexOf("-XX:TieredStopAtLevel=4") > withOps.indexOf("-XX:TieredStopAtLevel=1"),
                "UNDERSTUDY_JAVA_OPTS after the launcher's own: " + withOps);
        assertEquals(args.size() + 1, withOps.size());
    }

    @Test
    void demoNodes_getTheLaunchersOptionFile_andTheAgentsArenas() throws Exception {
        for (String role : List.of("primary", "standby")) {
            List<String> launcher = launch(role, "--config", "cluster.yaml", "--node", "n1");
            String launcherFile = launcher.stream().filter(a -> a.startsWith("@")).findFirst().orElseThrow();
            Path file = RoleJvmOptions.file(CONF, role);
            List<String> node = NodeProcesses.command("java", file, role, Path.of("cluster.yaml"), "n1");
            assertEquals(List.of("java", "@" + file), node.subList(0, 2),
                    role + ": the demo's node gets the role's option file first: " + node);
            assertTrue(launcherFile.endsWith("/conf/jvm/" + file.getFileName()),
                    role + ": the same file as the launcher's " + launcherFile);
            assertFalse(node.stream().anyMatch(a -> a.startsWith("-X") || a.startsWith("--enable-native-access")),
                    role + ": no options of the demo's own besides the file: " + node);
            assertEquals(List.of(role, "--config", "cluster.yaml", "--node", "n1"), node.subList(node.size() - 5, node.size()));
            assertEquals(expand(launcher).contains("MALLOC_ARENA_MAX=2"),
                    RoleJvmOptions.environment(role).equals(Map.of("MALLOC_ARENA_MAX", "2")),
                    role + ": the demo's node gets the launcher's malloc arenas: " + RoleJvmOptions.environment(role));
        }
    }

    @Test
    void primary_leavesTheInstallersJarsOffItsClassPath_asTheDemosPrimariesDo() throws Exception {
        // a distribution of empty jars: the launcher only lists them
        Path dist = tmp.resolve("dist");
        Files.createDirectories(dist.resolve("bin"));
        Files.createDirectories(dist.resolve("lib"));
        Files.copy(LAUNCHER, dist.resolve("bin/understudy"));
        copyTree(CONF.resolve("jvm"), dist.resolve("conf/jvm"));
        List<String> installerOnly = List.of("bcprov-jdk18on-1.87.jar", "sshd-common-2.20.1.jar", "sshd-core-2.20.1.jar",
                "jcl-over-slf4j-1.7.36.jar", "understudy-installer-0.1.0.jar");
        List<String> others = List.of("derby-10.17.1.0.jar", "jackson-core-2.20.1.jar", "jetty-server-12.1.13.jar",
                "log4j-core-2.25.4.jar", "picocli-4.7.7.jar", "slf4j-api-2.0.17.jar", "snmp4j-3.13.1.jar",
                "understudy-appliance-0.1.0.jar", "understudy-jmx-0.1.0.jar", "understudy-mib-0.1.0.jar",
                "understudy-web-0.1.0.jar");
        List<String> all = new ArrayList<>();
        for (String jar : concat(installerOnly, others)) {
            Files.createFile(dist.resolve("lib").resolve(jar));
            all.add(dist.resolve("lib").resolve(jar).toString());
        }
        Path launcher = dist.resolve("bin/understudy");

        List<String> primary = List.of(classPath(launchWith(launcher, null, "primary", "--node", "p1")).split(":"));
        assertEquals(new TreeSet<>(others.stream().map(j -> dist.resolve("lib").resolve(j).toString()).toList()),
                new TreeSet<>(primary), "the primary gets every jar of lib/ but the installer's");
        for (String role : List.of("standby", "status")) {
            assertEquals(dist.resolve("lib") + "/*", classPath(launchWith(launcher, null, role, "--node", "n1")),
                    role + " keeps all of lib/ (the client commands' class-data archive was recorded with it)");
        }
        // the demo's primaries: the same jars left out of the demo's own class path
        List<String> excluded = RoleClassPath.exclusions(RoleJvmOptions.file(dist.resolve("conf"), "primary"));
        assertEquals(new TreeSet<>(primary),
                new TreeSet<>(List.of(RoleClassPath.without(String.join(":", all), excluded).split(":"))));
        assertEquals(List.of(), RoleClassPath.exclusions(RoleJvmOptions.file(dist.resolve("conf"), "standby")));
    }

    /** The argument after {@code -cp}. */
    private static String classPath(List<String> args) {
        return args.get(args.indexOf("-cp") + 1);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void roleOptionFiles_areAcceptedByTheJvm() throws Exception {
        // a misspelt option in a file stops the node at start; this JDK must take each file as it is
        for (String role : List.of("primary", "standby", "fleet", "client")) {
            Path file = role.equals("client") ? CONF.resolve("jvm/client.options") : RoleJvmOptions.file(CONF, role);
            Path out = tmp.resolve(role + ".out");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + file, "-version").redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "java -version finished");
            assertEquals(0, p.exitValue(), role + ": " + Files.readString(out));
        }
    }

    /** The arguments with each {@code @FILE} of the launcher's conf/jvm replaced by the source tree's file's words. */
    private static List<String> expand(List<String> args) throws IOException {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            int at = a.indexOf("/conf/jvm/");
            if (a.startsWith("@") && at >= 0) {
                out.addAll(argFile(CONF.resolve(a.substring(at + "/conf/".length()))));
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The words of a {@code java} argument file, by the launcher's rules: white space separates them, a {@code #}
     * starting a word comments out the rest of its line, quotes keep white space (the files use none).
     */
    private static List<String> argFile(Path file) throws IOException {
        List<String> words = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            for (String w : line.strip().split("\\s+")) {
                if (w.startsWith("#")) {
                    break;
                }
                if (!w.isEmpty()) {
                    assertFalse(w.contains("\"") || w.contains("'") || w.contains("$"),
                            file + ": no quotes or variables (the java launcher does not expand them): " + w);
                    words.add(w);
                }
            }
        }
        return words;
    }

    private List<String> launch(String... cmd) throws IOException, InterruptedException {
        return launchWith(null, cmd);
    }

    /** Runs the launcher on a stand-in JDK 21; returns MALLOC_ARENA_MAX=... then each argument java got. */
    private List<String> launchWith(String javaOpts, String... cmd) throws IOException, InterruptedException {
        return launchWith(LAUNCHER, javaOpts, cmd);
    }

    /** Runs {@code launcher} on a stand-in JDK 21; returns MALLOC_ARENA_MAX=... then each argument java got. */
    private List<String> launchWith(Path launcher, String javaOpts, String... cmd) throws IOException, InterruptedException {
        Path jdk = tmp.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-}\"\n"
                + "for a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString());
        pb.command().addAll(List.of(cmd));
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().remove("MALLOC_ARENA_MAX");
        pb.environment().remove("UNDERSTUDY_PRINT_JAVA");
        if (javaOpts == null) {
            pb.environment().remove("UNDERSTUDY_JAVA_OPTS");
        } else {
            pb.environment().put("UNDERSTUDY_JAVA_OPTS", javaOpts);
        }
        Path out = tmp.resolve("out-" + System.nanoTime());
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher finished");
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "launcher output: " + lines);
        return lines;
    }
}
