package org.understudy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.daemon.NodeLock;
import org.understudy.failover.HookScripts;
import org.understudy.failover.StepResult;
import org.understudy.failover.TakeoverTarget;

/**
 * The demo's fence script run as the standby runs a fencing command (HookScripts, the UNDERSTUDY_* environment):
 * it powers off the node it is for, a frozen (SIGSTOPped) one too, and returns only once that process is gone; it
 * never touches another process, and leaves a primary that hands over by plan running.
 */
class DemoFenceTest {
    @TempDir
    Path dir;
    private Path script;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void write() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        script = DemoFence.write(dir);
    }

    @AfterEach
    void cleanUp() {
        started.forEach(Process::destroyForcibly);
    }

    /** A stand-in for node {@code node}: a process whose command line reads like that node's, blocked on a fifo. */
    private Process fakeNode(String node) throws Exception {
        Path fifo = dir.resolve("fifo-" + node);
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        Process p = new ProcessBuilder("sh", "-c", "read x <> \"$0\"", fifo.toString(), "org.understudy.Main",
                "primary", "--config", dir.resolve("cluster.yaml").toString(), "--node", node).start();
        started.add(p);
        Path state = Files.createDirectories(dir.resolve("state").resolve(node));
        Files.writeString(state.resolve(NodeLock.PID_FILE), p.pid() + "\n");
        return p;
    }

    /**
     * {@code kill -STOP} returns once the signal is queued; the process stops when it is next scheduled, which on a
     * busy host can be after the fence script has read its state. Waits (5 s at most) until /proc says stopped.
     */
    private static void awaitStopped(Process p) throws Exception {
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String state = "?";
        while (System.nanoTime() < deadline) {
            String line = Files.readString(stat);
            state = line.substring(line.lastIndexOf(')') + 2, line.lastIndexOf(')') + 3);
            if (state.equals("T")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("pid " + p.pid() + " not stopped 5 s after SIGSTOP (state " + state + ")");
    }

    private StepResult fence(String node, String takeover) {
        Map<String, String> env = new TakeoverTarget(node, "127.0.61.1", 10809, List.of("vol0"),
                List.of(dir.resolve("r.img"))).fencingEnvironment(takeover, "2.21 s silent on every path");
        return new HookScripts(Duration.ofSeconds(10)).runFencing(List.of(script.toString(), node), env);
    }

    private String log() throws Exception {
        return Files.readString(dir.resolve("logs").resolve("fence.log"));
    }

    @Test
    void failover_frozenNode_killedAndGoneBeforeTheScriptSaysOk() throws Exception {
        Process p1 = fakeNode("p1");
        new ProcessBuilder("kill", "-STOP", Long.toString(p1.pid())).start().waitFor();
        awaitStopped(p1);

        StepResult r = fence("p1", "failover");

        assertTrue(r.ok(), r.detail());
        assertTrue(p1.waitFor(5, TimeUnit.SECONDS), "p1's process is gone");
        assertEquals(128 + 9, p1.exitValue(), "killed by SIGKILL");
        assertTrue(r.detail().contains("powered off: SIGKILL to pid " + p1.pid() + " (state T), gone after"),
                r.detail());
        assertTrue(log().contains("fence p1: powered off"), log());
        assertFalse(r.detail().contains("cannot open"), "nothing on stderr: " + r.detail());
    }

    @Test
    void failover_nodeNotRunning_alreadyOff_ok() throws Exception {
        StepResult r = fence("p1", "failover");
        assertTrue(r.ok(), r.detail());
        assertTrue(r.detail().contains("not running, already off"), r.detail());
    }

    @Test
    void failover_pidFileNamesAnotherProcess_leftAlone() throws Exception {
        Process p10 = fakeNode("p10");
        // p1's pid file points at p10's process (a stale pid reused): "--node p1" is a prefix of "--node p10"
        Path state = Files.createDirectories(dir.resolve("state").resolve("p1"));
        Files.writeString(state.resolve(NodeLock.PID_FILE), p10.pid() + "\n");

        StepResult r = fence("p1", "failover");

        assertTrue(r.ok(), r.detail());
        assertTrue(r.detail().contains("is not running as p1"), r.detail());
        assertFalse(p10.waitFor(200, TimeUnit.MILLISECONDS), "another node's process is never touched");
    }

    @Test
    void switchoverOrForcedFailover_switchStaysOn() throws Exception {
        Process p1 = fakeNode("p1");
        for (String takeover : List.of("switchover", "forced-failover")) {
            StepResult r = fence("p1", takeover);
            assertTrue(r.ok(), r.detail());
            assertTrue(r.detail().contains(takeover + " of p1: the switch stays on"), r.detail());
        }
        assertFalse(p1.waitFor(200, TimeUnit.MILLISECONDS), "a primary handing over by plan keeps running");
    }
}
