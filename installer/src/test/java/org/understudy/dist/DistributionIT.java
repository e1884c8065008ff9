package org.understudy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled distribution works as an operator uses it: the launcher, the demo in the background, status, stop. */
class DistributionIT {
    private static final Path DIST = Launcher.DIST;

    @TempDir
    Path tmp;

    private Launcher.Run understudy(String... args) throws IOException, InterruptedException {
        return Launcher.understudy(tmp, args);
    }

    @Test
    void layout_hasLauncherLibrariesConfigurationAndTarball() {
        assertTrue(Files.isExecutable(DIST.resolve("bin/understudy")));
        assertTrue(Files.exists(DIST.resolve("conf/log4j2.yaml")));
        assertTrue(Files.exists(DIST.resolve("conf/cluster.sample.yaml")));
        assertTrue(Files.exists(DIST.resolve("grafana/understudy-dashboard.json")), "the Grafana dashboard over /metrics");
        try (var libs = Files.list(DIST.resolve("lib"))) {
            var names = libs.map(p -> p.getFileName().toString()).toList();
            for (String module : new String[] {"understudy-appliance", "understudy-mib", "understudy-jmx", "understudy-web"}) {
                assertTrue(names.stream().anyMatch(n -> n.startsWith(module)), module + " on the class path: " + names);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (var files = Files.list(DIST.getParent())) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("understudy-.*\\.tar\\.gz")), "tarball next to the directory");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void demoDetach_statusThenStop_allFromTheLauncher() throws Exception {
        Path dir = tmp.resolve("demo");
        Launcher.Run start = understudy("demo", "--dir", dir.toString(), "--detach", "--primaries", "1", "--volume-size", "8MiB",
                "--loopback-net", "201");
        try {
            assertEquals(0, start.exit(), start.output());
            assertTrue(Files.exists(dir.resolve("cluster.json")));
            Launcher.Run status = understudy("status", "--config", dir.resolve("cluster.yaml").toString(), "--node", "p1", "--json");
            assertEquals(0, status.exit(), status.output());
            assertTrue(status.output().contains("\"IN_SYNC\""), status.output());
        } finally {
            Launcher.Run stop = understudy("demo", "--dir", dir.toString(), "--stop");
            assertEquals(0, stop.exit(), stop.output());
        }
        Launcher.Run status = understudy("status", "--config", dir.resolve("cluster.yaml").toString(), "--node", "p1");
        assertEquals(1, status.exit(), "status of a stopped node reports it unreachable:\n" + status.output());
        // a demo that stops is no failure: the standby goes first, so it never sees a primary go away and takes it over
        assertFalse(Files.exists(dir.resolve("logs/fence.log")), "nothing fenced while the demo stopped");
        assertFalse(Files.readString(dir.resolve("logs/standby.out")).contains("FAILING_OVER"),
                "no takeover while the demo stopped");
    }

    @Test
    void foregroundDemo_ctrlC_stopsEveryNodeCleanly() throws Exception {
        Path dir = tmp.resolve("fg");
        Path out = tmp.resolve("fg.out");
        Process demo = new ProcessBuilder(DIST.resolve("bin/understudy").toString(), "demo", "--dir", dir.toString(), "--primaries", "1",
                "--volume-size", "8MiB", "--loopback-net", "202").redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.readString(out).contains("Press Ctrl-C")) {
                assertTrue(demo.isAlive(), "demo exited early:\n" + Files.readString(out));
                assertTrue(System.nanoTime() < deadline, "demo not ready:\n" + Files.readString(out));
                Thread.sleep(100);
            }
            List<ProcessHandle> nodes = demo.toHandle().descendants().filter(h -> h.info().commandLine().orElse("").contains("--node")).toList();
            assertEquals(2, nodes.size(), "a standby and one primary running");
            // what a terminal's Ctrl-C sends
            new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor();
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "demo stopped after Ctrl-C:\n" + Files.readString(out));
            assertEquals(130, demo.exitValue(), "128+SIGINT, as after any Ctrl-C:\n" + Files.readString(out));
            for (ProcessHandle n : nodes) {
                n.onExit().get(30, TimeUnit.SECONDS);
            }
            assertTrue(Files.readString(out).contains("demo: stopped"), Files.readString(out));
        } finally {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    @Test
    void invalidClusterFile_nodeRefusesToStart_namingFileAndKey() throws Exception {
        Path cfg = tmp.resolve("bad.yaml");
        Files.writeString(cfg, "cluster: { name: x }\nstandby: { name: s, address: 127.0.2.1, stateDir: s }\nprimaries: []\n");
        Launcher.Run run = understudy("standby", "--config", cfg.toString(), "--node", "s");
        assertEquals(2, run.exit(), run.output());
        assertTrue(run.output().contains("bad.yaml"), run.output());
        assertTrue(run.output().contains("primaries"), run.output());
    }
}
