package org.understudy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options {@code bin/understudy} gives each role (README, "The primary agent's footprint"), read from the
 * source launcher run against a stand-in JDK 21 whose {@code java} prints what it was given.
 */
class LauncherOptionsTest {
    private static final Path LAUNCHER = Path.of("src/bin/understudy");

    @TempDir
    Path tmp;

    @Test
    void primary_runsTheAgentsFootprintOptions_c1Only() throws Exception {
        List<String> args = launch("primary", "--config", "cluster.yaml", "--node", "p1");
        for (String o : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms8m", "-Xmx256m",
                "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:ReservedCodeCacheSize=32m",
                "-XX:TrimNativeHeapInterval=60000", "-Xss512k", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:AsyncDeflationInterval=10000")) {
            assertTrue(args.contains(o), "the primary agent runs with " + o + ": " + args);
        }
        assertTrue(args.contains("MALLOC_ARENA_MAX=2"), "glibc malloc limited to two arenas: " + args);
        assertEquals(List.of("primary", "--config", "cluster.yaml", "--node", "p1"),
                args.subList(args.size() - 5, args.size()), "the command line follows the options");
    }

    @Test
    void standby_keepsTheJvmDefaults_butTrimsTheNativeHeap() throws Exception {
        for (String role : List.of("standby", "demo")) {
            List<String> args = launch(role, "--config", "cluster.yaml", "--node", "standby");
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
    void operatorOptions_comeLast_andWin() throws Exception {
        List<String> args = launch("primary", "--node", "p1");
        List<String> withOps = launchWith("-XX:TieredStopAtLevel=4", "primary", "--node", "p1");
        assertTrue(withOps.lastIndexOf("-XX:TieredStopAtLevel=4") > withOps.indexOf("-XX:TieredStopAtLevel=1"),
                "UNDERSTUDY_JAVA_OPTS after the launcher's own: " + withOps);
        assertEquals(args.size() + 1, withOps.size());
    }

    private List<String> launch(String... cmd) throws IOException, InterruptedException {
        return launchWith(null, cmd);
    }

    /** Runs the launcher on a stand-in JDK 21; returns MALLOC_ARENA_MAX=... then each argument java got. */
    private List<String> launchWith(String javaOpts, String... cmd) throws IOException, InterruptedException {
        Path jdk = tmp.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-}\"\n"
                + "for a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString());
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
