package org.understudy.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.model.FailoverStep;

/** The reusable pieces the daemon builds its takeover steps from: identity, command hooks, the environment. */
class TakeoverToolsTest {
    @TempDir
    Path dir;

    private static TakeoverTarget target(String address, int port) {
        return new TakeoverTarget("p1", address, port, List.of("data", "logs"),
                List.of(Path.of("/r/p1/data.img"), Path.of("/r/p1/logs.img")));
    }

    private static Path script(Path in, String name, String body) throws IOException {
        Path f = in.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        return f;
    }

    @Test
    void environment_documentedVariables() {
        Map<String, String> env = target("127.0.0.9", 10809).environment("failover", "2.04 s silent");
        assertEquals("p1", env.get("UNDERSTUDY_PRIMARY"));
        assertEquals("127.0.0.9", env.get("UNDERSTUDY_ADDRESS"));
        assertEquals("10809", env.get("UNDERSTUDY_PORT"));
        assertEquals("data logs", env.get("UNDERSTUDY_VOLUMES"));
        assertEquals("/r/p1/data.img /r/p1/logs.img", env.get("UNDERSTUDY_REPLICAS"));
        assertEquals("2.04 s silent", env.get("UNDERSTUDY_REASON"));
        assertEquals("failover", env.get("UNDERSTUDY_KIND"));
    }

    @Test
    void loopbackAlias_addressFree_acquired() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        StepResult r = new LoopbackAliasAction(200).acquire(target("127.0.0.1", port));
        assertTrue(r.ok(), r.detail());
    }

    @Test
    void loopbackAlias_oldPrimaryStillListening_refused() throws IOException {
        try (ServerSocket old = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StepResult r = new LoopbackAliasAction(200).acquire(target("127.0.0.1", old.getLocalPort()));
            assertFalse(r.ok());
            assertTrue(r.detail().contains("still listens"), r.detail());
        }
    }

    @Test
    void loopbackAlias_nonLoopbackAddress_refused() {
        StepResult r = new LoopbackAliasAction(200).acquire(target("192.0.2.10", 10809));
        assertEquals(FailoverStep.Outcome.FAILED, r.outcome());
    }

    @Test
    void commandHooks_runsExecutablesInNameOrderWithEnvironment() throws IOException {
        Path log = dir.resolve("hooks.log");
        Path hooks = Files.createDirectory(dir.resolve("failover.d"));
        script(hooks, "20-second", "echo \"second $UNDERSTUDY_PRIMARY\" >> " + log);
        script(hooks, "10-first", "echo \"first $UNDERSTUDY_VOLUMES\" >> " + log);
        Files.writeString(hooks.resolve("README"), "not executable, not run");
        StepResult r = new HookScripts(Duration.ofSeconds(5)).runAll(hooks,
                target("127.0.0.1", 10809).environment("failover", "test"));
        assertTrue(r.ok(), r.detail());
        assertEquals(List.of("first data logs", "second p1"), Files.readAllLines(log));
    }

    @Test
    void commandHooks_oneFails_othersStillRunAndFailureReported() throws IOException {
        Path log = dir.resolve("hooks.log");
        script(dir, "10-broken", "exit 3");
        script(dir, "20-after", "echo ran >> " + log);
        StepResult r = new HookScripts(Duration.ofSeconds(5)).runAll(dir, Map.of());
        assertFalse(r.ok());
        assertTrue(r.detail().contains("1 of 2 failed") && r.detail().contains("exit 3"), r.detail());
        assertEquals(List.of("ran"), Files.readAllLines(log));
    }

    @Test
    void commandHooks_noDirectory_skipped() {
        assertEquals(FailoverStep.Outcome.SKIPPED,
                new HookScripts(Duration.ofSeconds(1)).runAll(dir.resolve("absent"), Map.of()).outcome());
        // regression: "no failover command directory null" in every timeline without hooks
        StepResult none = new HookScripts(Duration.ofSeconds(1)).runAll(null, Map.of());
        assertEquals(FailoverStep.Outcome.SKIPPED, none.outcome());
        assertEquals("no failover hooks configured (failover.commandsDir)", none.detail());
    }

    @Test
    void fencingCommand_timeout_failed() {
        StepResult r = new HookScripts(Duration.ofMillis(200)).runFencing(List.of("sleep", "30"), Map.of());
        assertFalse(r.ok());
        assertTrue(r.detail().contains("timed out"), r.detail());
        assertEquals(FailoverStep.Outcome.SKIPPED,
                new HookScripts(Duration.ofSeconds(1)).runFencing(List.of(), Map.of()).outcome());
    }
}
