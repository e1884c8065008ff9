package org.understudy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands as an operator types them: the real launcher of the assembled distribution against a demo
 * cluster, with the cluster file from UNDERSTUDY_CONFIG instead of --config. Checks the defaults, the Nagios check,
 * the autoswitch query, argument errors that name the argument, watch and follow ending cleanly on Ctrl-C, steps
 * printed as a switchover and a failback happen, a verify's progress, and the shipped completion and manual pages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorCliIT {
    private static final Path DIST = Path.of(System.getProperty("understudy.dist", "target/understudy"));

    @TempDir
    static Path tmp;
    private static Path dir;
    private static Map<String, String> env;

    private record Run(int exit, String output) {
    }

    @BeforeAll
    static void startDemo() throws Exception {
        dir = tmp.resolve("demo");
        Run start = run(Map.of(), "demo", "--dir", dir.toString(), "--detach", "--primaries", "2", "--volume-size", "8MiB",
                "--loopback-net", "203");
        assertEquals(0, start.exit(), start.output());
        env = Map.of("UNDERSTUDY_CONFIG", dir.resolve("cluster.yaml").toString());
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (dir != null) {
            run(Map.of(), "demo", "--dir", dir.toString(), "--stop");
        }
    }

    private static ProcessBuilder launcher(Map<String, String> extraEnv, String... args) {
        List<String> cmd = new ArrayList<>(List.of(DIST.resolve("bin/understudy").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("UNDERSTUDY_CONFIG");
        pb.environment().putAll(extraEnv);
        return pb;
    }

    private static Run run(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Process p = launcher(extraEnv, args).redirectOutput(out.toFile()).start();
        if (!p.waitFor(4, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("understudy " + String.join(" ", args) + " did not finish:\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static Run cli(String... args) throws IOException, InterruptedException {
        return run(env, args);
    }

    private static void awaitOutput(Process p, Path out, Predicate<String> ready, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!ready.test(Files.readString(out))) {
            assertTrue(p.isAlive(), what + ": exited early:\n" + Files.readString(out));
            assertTrue(System.nanoTime() < deadline, what + ": not seen in time:\n" + Files.readString(out));
            Thread.sleep(100);
        }
    }

    private static void ctrlC(Process p) throws Exception {
        // what a terminal's Ctrl-C sends; the launcher execs the JVM, so the pid is the JVM's
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    }

    @Test
    @Order(1)
    void configFromEnvironment_statusAsksTheStandby() throws Exception {
        Run r = cli("status");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("node     standby (standby)"), r.output());
        Run none = run(Map.of(), "status");
        if (!Files.exists(Path.of("/etc/understudy/cluster.yaml"))) {
            assertEquals(2, none.exit(), none.output());
            assertTrue(none.output().contains("UNDERSTUDY_CONFIG"), none.output());
            assertTrue(none.output().contains("/etc/understudy/cluster.yaml"), none.output());
        }
    }

    @Test
    @Order(2)
    void check_healthyCluster_isOkWithPerfdata() throws Exception {
        Run r = cli("check");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().startsWith("UNDERSTUDY OK - 2 of 2 primaries protected, 4 of 4 volumes in sync | "), r.output());
        assertTrue(r.output().contains("primaries_protected=2;;;0;2"), r.output());
        assertTrue(r.output().contains("'p1/vol0 sync'=100.0%;100:;;0;100"), r.output());
        Run one = cli("check", "--primary", "p2");
        assertEquals(0, one.exit(), one.output());
        assertTrue(one.output().startsWith("UNDERSTUDY OK - p2: 1 of 1 primaries protected"), one.output());
        Run bad = cli("check", "--primary", "px");
        assertEquals(3, bad.exit(), "UNKNOWN for a primary the cluster does not have:\n" + bad.output());
    }

    @Test
    @Order(3)
    void autoswitch_withoutArgument_saysSettingAndOrigin() throws Exception {
        Run before = cli("autoswitch");
        assertEquals(0, before.exit(), before.output());
        assertTrue(before.output().startsWith("autoswitch: on, from the cluster file's on"), before.output());
        assertEquals(0, cli("autoswitch", "off").exit());
        Run after = cli("autoswitch");
        assertTrue(after.output().startsWith("autoswitch: off (vault mode), from the operator's last choice (off by "),
                after.output());
        assertEquals(0, cli("autoswitch", "on").exit());
    }

    @Test
    @Order(4)
    void wrongArguments_areNamed() throws Exception {
        Run primary = cli("verify", "px", "vol0");
        assertEquals(2, primary.exit(), primary.output());
        assertTrue(primary.output().startsWith("verify: PRIMARY: \"px\" is not a primary of cluster demo (primaries: p1, p2)"),
                primary.output());
        Run volume = cli("verify", "p1", "volx");
        assertEquals(2, volume.exit(), volume.output());
        assertTrue(volume.output().startsWith("verify: VOLUME: \"volx\" is not a volume of p1 (volumes: vol0, vol1)"),
                volume.output());
        Run node = cli("status", "--node", "nobody");
        assertEquals(2, node.exit(), node.output());
        assertTrue(node.output().startsWith("status: --node: \"nobody\" is not a node"), node.output());
        Run failback = cli("failback", "p9");
        assertEquals(2, failback.exit(), failback.output());
        assertTrue(failback.output().contains("PRIMARY: \"p9\""), failback.output());
    }

    @Test
    @Order(5)
    void statusWatch_redrawsUntilCtrlC_thenExits0() throws Exception {
        Path out = tmp.resolve("watch.txt");
        Process p = launcher(env, "status", "--watch", "--interval", "0.5").redirectOutput(out.toFile()).start();
        try {
            awaitOutput(p, out, s -> s.split("Every 0.5s: understudy status, node standby", -1).length > 3, "three redraws");
            ctrlC(p);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "watch ended after Ctrl-C:\n" + Files.readString(out));
            assertEquals(0, p.exitValue(), Files.readString(out));
            assertFalse(Files.readString(out).contains("Exception"), Files.readString(out));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    @Order(6)
    void eventsFollow_printsNewRows_untilCtrlC() throws Exception {
        Path out = tmp.resolve("follow.txt");
        Process p = launcher(env, "events", "--follow", "--limit", "1", "--interval", "0.3").redirectOutput(out.toFile()).start();
        try {
            awaitOutput(p, out, s -> !s.isEmpty(), "the newest row");
            int before = Files.readString(out).length();
            assertEquals(0, cli("autoswitch", "on").exit());
            awaitOutput(p, out, s -> s.substring(before).contains("OPERATOR_ACTION"), "the autoswitch row");
            ctrlC(p);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "follow ended after Ctrl-C:\n" + Files.readString(out));
            assertEquals(0, p.exitValue(), Files.readString(out));
            assertFalse(Files.readString(out).contains("Exception"), Files.readString(out));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    @Order(7)
    void switchoverAndFailback_printEachStepInOrder() throws Exception {
        Run sw = cli("switchover", "p2");
        assertEquals(0, sw.exit(), sw.output());
        assertSteps(sw.output(), "drain-primary", "catch-up", "fence-epoch", "fence-command", "check-replicas",
                "await-release", "take-over-identity", "serve-volumes", "run-failover-commands");
        assertTrue(sw.output().contains("switchover: OK"), sw.output());
        Run check = cli("check", "--primary", "p2");
        assertEquals(1, check.exit(), "a primary the standby stands in for is a WARNING:\n" + check.output());
        Run back = cli("failback", "p2");
        assertEquals(0, back.exit(), back.output());
        assertSteps(back.output(), "resync-primary", "stop-serving", "release-identity", "return-role");
    }

    @Test
    @Order(10)
    void verify_followsTheRunningVerify_plainLinesOffATerminal() throws Exception {
        Run r = cli("verify", "p1", "vol0");
        assertEquals(0, r.exit(), r.output());
        // the answer once, after any progress line ("  p1/vol0 verify  25% (...) ... ETA ..."), and no bar's escapes
        assertTrue(r.output().contains("p1: OK p1/vol0: ok: 128 regions compared"), r.output());
        assertEquals(r.output().indexOf("p1: OK "), r.output().lastIndexOf("p1: OK "), r.output());
        assertTrue(r.output().lines().takeWhile(l -> !l.startsWith("p1: OK ")).allMatch(l -> l.matches(
                "  p1/vol0 verify +\\d+% \\(.* of 8\\.0 MiB\\) .*/s ETA .*")), r.output());
        assertFalse(r.output().contains("\033"), "no terminal escapes when not on a terminal:\n" + r.output());
        var volumes = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cli("status", "--node", "p1", "--json")
                .output()).path("volumes");
        boolean seen = false;
        for (var v : volumes) {
            if (v.path("name").asText().equals("vol0")) {
                seen = true;
                assertTrue(v.path("lastVerify").hasNonNull("at"), "the outcome in status: " + v);
                assertTrue(v.path("lastVerify").path("running").isNull(), "no verify running after it ended: " + v);
            }
        }
        assertTrue(seen, volumes.toString());
    }

    private static void assertSteps(String output, String... names) {
        int from = 0;
        for (int i = 0; i < names.length; i++) {
            String line = "  step " + (i + 1) + " " + names[i] + " ";
            int at = output.indexOf(line, from);
            assertTrue(at >= from, "'" + line.strip() + "' in order, once:\n" + output);
            assertEquals(at, output.lastIndexOf(line), "printed once:\n" + output);
            from = at;
        }
    }

    @Test
    @Order(8)
    void everyHelp_hasExitCodes() throws Exception {
        for (String c : List.of("status", "check", "events", "failover", "switchover", "failback", "fence-clear",
                "autoswitch", "throttle", "verify", "link-test", "standby", "primary", "demo")) {
            Run r = cli(c, "--help");
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("Exit codes:"), c + " --help:\n" + r.output());
        }
        assertTrue(cli("--help").output().contains("Exit codes:"));
    }

    @Test
    @Order(9)
    void completionAndManual_shippedAndWorking() throws Exception {
        Path completion = DIST.resolve("completion/understudy.bash");
        Process bash = new ProcessBuilder("bash", "-c", "source '" + completion + "'; COMP_WORDS=(understudy sta);"
                + " COMP_CWORD=1; _complete_understudy; echo \"${COMPREPLY[@]}\"; COMP_WORDS=(understudy status --w);"
                + " COMP_CWORD=2; _complete_understudy; echo \"${COMPREPLY[@]}\"").redirectErrorStream(true).start();
        String words = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.waitFor());
        assertTrue(words.lines().anyMatch(l -> l.contains("status")), words);
        assertTrue(words.contains("--watch"), words);
        for (String page : List.of("understudy", "understudy-status", "understudy-check", "understudy-verify")) {
            Path file = DIST.resolve("man/man1/" + page + ".1");
            String troff = Files.readString(file);
            assertTrue(troff.contains(".SH EXIT STATUS"), page);
            Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", file.toString())
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
            // grotty bolds by overstriking (X backspace X): read the text without it
            String text = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll(".\b", "");
            String warnings = new String(groff.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, groff.waitFor());
            assertEquals("", warnings, page + ": groff warnings");
            assertTrue(text.contains("EXIT STATUS"), text);
        }
    }
}
