package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover over real processes: a demo cluster (standby + two primaries as JVMs), real NBD clients (qemu-io with
 * reconnect, fio), SIGKILL, the failover CLI commands and byte comparisons of volumes and replicas.
 */
class FailoverIT {
    private static final Duration SYNC = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private DemoFixture demo;

    @BeforeAll
    static void tools() {
        Cmd.require("qemu-io");
        Cmd.require("fio");
    }

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void sigkillPrimary_duringQemuWrites_standbyStandsInAtSameAddress_everyAckedWriteReadsBack_otherPrimaryKeepsMirroring()
            throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--volume-size", "64MiB");
        String p1Address = demo.address("p1");
        DemoFixture.Volume p2vol = demo.volume("p2", "vol0");
        // p2 keeps writing all along: its mirroring must never stop while the standby takes p1 over
        Path fioOut = tmp.resolve("fio-p2.out");
        Process fio = Cmd.start(fioOut, List.of("fio", "--name=p2", "--ioengine=nbd", "--uri=" + p2vol.nbd(),
                "--rw=randwrite", "--bs=4k", "--size=32M", "--iodepth=4", "--time_based", "--runtime=12",
                "--rate_iops=400", "--verify=crc32c", "--do_verify=1", "--randrepeat=0"));

        int writes = 120;
        List<String> qemu = new ArrayList<>(List.of("qemu-io", "-t", "none", "--image-opts",
                "driver=nbd,host=" + p1Address + ",port=10809,export=vol0,reconnect-delay=20"));
        for (int i = 0; i < writes; i++) {
            qemu.addAll(List.of("-c", "write -P " + pattern(i) + " " + (i * 65536L) + " 65536", "-c", "sleep 40"));
        }
        Path qemuOut = tmp.resolve("qemu.out");
        Process writer = Cmd.start(qemuOut, qemu);
        Poll.until(Duration.ofSeconds(30), "qemu-io has written some", () -> Files.readString(qemuOut).split("wrote").length > 15);
        long p2Before = replicated(demo.status("standby"), "p2", "vol0");

        long killedAt = System.nanoTime();
        demo.kill("p1");
        Poll.until(Duration.ofSeconds(15), "standby stands in for p1", () -> "STANDING_IN".equals(primaryState("standby", "p1")));
        double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;

        assertTrue(writer.waitFor(2, TimeUnit.MINUTES), "qemu-io finished");
        String out = Files.readString(qemuOut);
        assertEquals(0, writer.exitValue(), "qemu-io failed across the takeover:\n" + out);
        assertTrue(!out.contains("error") && !out.contains("failed"), "qemu-io reported errors:\n" + out);
        assertEquals(writes, out.split("wrote").length - 1, "every write acknowledged:\n" + out);

        // every acknowledged write reads back through the standby, at p1's address
        List<String> check = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-t", "none"));
        for (int i = 0; i < writes; i++) {
            check.addAll(List.of("-c", "read -P " + pattern(i) + " " + (i * 65536L) + " 65536"));
        }
        check.add("nbd://" + p1Address + ":10809/vol0");
        Cmd.Result read = Cmd.run(Duration.ofMinutes(1), check).ok();
        assertTrue(!read.output().contains("Pattern verification failed"), read.output());

        // p2 mirrored throughout: more writes acknowledged by the standby, link up, fio saw no error
        assertTrue(fio.waitFor(1, TimeUnit.MINUTES), "fio on p2 finished");
        assertEquals(0, fio.exitValue(), "fio on p2 failed:\n" + Files.readString(fioOut));
        JsonNode s = demo.status("standby");
        assertTrue(replicated(s, "p2", "vol0") > p2Before, "p2 writes kept replicating during the takeover");
        assertEquals("IN_SYNC", demo.volumeState("p2", "p2", "vol0"));
        SyncMirrorIT.assertIdentical(p2vol);

        JsonNode timeline = primary(s, "p1").path("lastFailover");
        assertEquals("failover", timeline.path("kind").asText(), timeline.toString());
        assertTrue(timeline.path("completed").asBoolean(), timeline.toString());
        assertTrue(s.path("alarms").toString().contains("STANDING_IN"), s.path("alarms").toString());
        System.out.printf("kill -> STANDING_IN seen by polling: %.2f s; timeline %s%n", takeoverSeconds, timeline);

        // split-brain guard: the old primary comes back, stays fenced, serves nothing, and its link is refused
        byte[] replicaBefore = digest(demo.volume("p1", "vol0").replicaFile());
        demo.restart("p1");
        Poll.until(Duration.ofSeconds(20), "p1 reports itself FENCED", () -> "FENCED".equals(primaryState("p1", "p1")));
        JsonNode p1 = demo.status("p1");
        assertTrue(primary(p1, "p1").path("cause").asText().contains("fenced at epoch"), p1.toString());
        assertTrue(p1.path("alarms").toString().contains("FENCED"), p1.path("alarms").toString());
        Poll.until(Duration.ofSeconds(20), "p1's link refused as fenced",
                () -> demo.status("p1").path("links").toString().contains("fenced at epoch"));
        assertEquals(HexFormat.of().formatHex(replicaBefore), HexFormat.of().formatHex(digest(demo.volume("p1", "vol0").replicaFile())),
                "the fenced primary changed a replica");
        assertTrue(demo.status("standby").path("alarms").toString().contains("PRIMARY_REVIVED")
                || "STANDING_IN".equals(primaryState("standby", "p1")));

        // a restarted standby keeps its role: it serves p1's volumes again (only its replicas hold those writes)
        demo.kill("standby");
        demo.restart("standby");
        Poll.until(Duration.ofSeconds(30), "standby stands in again after its restart",
                () -> "STANDING_IN".equals(primaryState("standby", "p1")));
        Cmd.Result again = Cmd.run(Duration.ofMinutes(1), check).ok();
        assertTrue(!again.output().contains("Pattern verification failed"), again.output());
        assertEquals("FENCED", primaryState("p1", "p1"));
    }

    @Test
    void switchoverThenFailback_roundTrip_zeroLoss_bytesIdentical_eventsSurviveStandbySigkill() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--volume-size", "64MiB", "--primaries", "1");
        DemoFixture.Volume vol0 = demo.volume("p1", "vol0");
        DemoFixture.Volume vol1 = demo.volume("p1", "vol1");
        Cmd.run(Duration.ofMinutes(2), "fio", "--name=before", "--ioengine=nbd", "--uri=" + vol0.nbd(), "--rw=randwrite",
                "--bs=4k", "--size=16M", "--iodepth=8", "--randrepeat=0").ok();

        String generationBefore = generation("p1", "vol0");
        DemoFixture.CliRun sw = cli("switchover", "p1");
        assertEquals(0, sw.exit(), sw.stdout());
        assertEquals("STANDING_IN", primaryState("standby", "p1"));
        assertEquals("FENCED", primaryState("p1", "p1"));
        // zero loss: the standby's replicas hold exactly what the primary had acknowledged
        SyncMirrorIT.assertIdentical(vol0);
        SyncMirrorIT.assertIdentical(vol1);

        // clients carry on against the standby at the same address; these writes exist only there for now
        Cmd.run(Duration.ofMinutes(1), "qemu-io", "-f", "raw", "-t", "none", "-c", "write -P 0x5a 40M 1M",
                "-c", "write -P 0x6b 63M 512k", vol0.nbd()).ok();
        Cmd.run(Duration.ofMinutes(1), "qemu-io", "-f", "raw", "-t", "none", "-c", "write -P 0x7c 1M 2M", vol1.nbd()).ok();

        DemoFixture.CliRun fb = cli("failback", "p1");
        assertEquals(0, fb.exit(), fb.stdout());
        demo.awaitInSync("p1", "vol0", SYNC);
        demo.awaitInSync("p1", "vol1", SYNC);
        Poll.until(Duration.ofSeconds(30), "p1 PROTECTED again", () -> "PROTECTED".equals(primaryState("standby", "p1")));
        SyncMirrorIT.assertIdentical(vol0);
        SyncMirrorIT.assertIdentical(vol1);
        // incremental: only what the stand-in wrote came back (1.5 MiB of vol0, 2 MiB of vol1 in 64 KiB regions),
        // not the 128 MiB of both volumes
        String resync = failbackStep("resync-primary");
        assertTrue(resync.contains("R21 INCREMENTAL_TO_PRIMARY"), resync);
        assertTrue(resync.contains("copied " + (3 * 512 * 1024 + 2 * 1024 * 1024) + " bytes"), resync);
        // the stand-in wrote a new generation; the primary took it with the copy back, so both sides agree on it
        assertEquals(generation("standby", "vol0"), generation("p1", "vol0"));
        assertTrue(!generation("p1", "vol0").equals(generationBefore), "the stand-in started a new generation");
        Cmd.run(Duration.ofMinutes(1), "qemu-io", "-f", "raw", "-t", "none", "-c", "read -P 0x5a 40M 1M",
                "-c", "read -P 0x6b 63M 512k", vol0.nbd()).ok();
        Cmd.Result r = Cmd.run(Duration.ofMinutes(1), "qemu-io", "-f", "raw", "-t", "none", "-c", "read -P 0x7c 1M 2M", vol1.nbd()).ok();
        assertTrue(!r.output().contains("Pattern verification failed"), r.output());

        // the event log survives a SIGKILL of the standby
        demo.kill("standby");
        demo.restart("standby");
        DemoFixture.CliRun ev = cli("events", "--primary", "p1", "--limit", "500");
        assertEquals(0, ev.exit(), ev.stdout());
        for (String expected : List.of("switchover", "failback", "STANDING_IN")) {
            assertTrue(ev.stdout().contains(expected), "event log after standby SIGKILL lacks '" + expected + "':\n" + ev.stdout());
        }
    }

    /**
     * The detail of one step of p1's last sequence (here: the failback) as the standby reports it; a failback is no
     * failover, so it is {@code lastSequence}, never {@code lastFailover}.
     */
    private String failbackStep(String step) throws Exception {
        com.fasterxml.jackson.databind.JsonNode timeline = null;
        for (var p : demo.status("standby").path("primaries")) {
            if (p.path("name").asText().equals("p1")) {
                timeline = p.path("lastSequence");
                assertEquals("switchover", p.path("lastFailover").path("kind").asText(),
                        "the last failover is still the switchover: " + p.path("lastFailover"));
            }
        }
        assertTrue(timeline != null, "the standby reports no p1");
        assertEquals("failback", timeline.path("kind").asText(), timeline.toString());
        for (var s : timeline.path("steps")) {
            if (s.path("name").asText().equals(step)) {
                return s.path("detail").asText();
            }
        }
        throw new AssertionError("no step " + step + " in " + timeline);
    }

    /** The data generation of p1's volume as a node reports it. */
    private String generation(String node, String volume) throws Exception {
        for (var v : demo.status(node).path("volumes")) {
            if (v.path("primary").asText().equals("p1") && v.path("name").asText().equals(volume)) {
                return v.path("generation").asText();
            }
        }
        throw new AssertionError(node + " reports no p1/" + volume);
    }

    @Test
    void autoswitchOff_thenForcedFailover_andFenceClear() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--volume-size", "8MiB", "--primaries", "1");
        assertEquals(0, cli("autoswitch", "off").exit());
        // regression: the operator's "off" must survive a standby restart (it used to live in memory only)
        demo.kill("standby");
        demo.restart("standby");
        Poll.until(Duration.ofSeconds(20), "restarted standby alarms vault mode at start",
                () -> demo.status("standby").path("alarms").toString().contains("AUTOSWITCH_OFF"));
        Poll.until(Duration.ofSeconds(30), "p1 PROTECTED again after the standby restart",
                () -> "PROTECTED".equals(primaryState("standby", "p1")));
        demo.kill("p1");
        Poll.until(Duration.ofSeconds(15), "p1 FAILED, not taken over", () -> "FAILED".equals(primaryState("standby", "p1")));
        assertTrue(demo.status("standby").path("alarms").toString().contains("AUTOSWITCH_OFF"));
        DemoFixture.CliRun f = cli("failover", "p1", "--reason", "test says so");
        assertEquals(0, f.exit(), f.stdout());
        assertEquals("STANDING_IN", primaryState("standby", "p1"));
        Cmd.run(Duration.ofSeconds(30), "qemu-io", "-f", "raw", "-c", "read 0 4k", demo.volume("p1", "vol0").nbd()).ok();
        DemoFixture.CliRun again = cli("failover", "p1");
        assertEquals(1, again.exit(), again.stdout());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private DemoFixture.CliRun cli(String... args) {
        return demo.cliOnCluster(args);
    }

    private String primaryState(String node, String primary) throws Exception {
        JsonNode s = demo.status(node);
        return s == null ? null : primary(s, primary).path("state").asText(null);
    }

    private static JsonNode primary(JsonNode status, String name) {
        for (JsonNode p : status.path("primaries")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static long replicated(JsonNode status, String primary, String volume) {
        for (JsonNode v : status.path("volumes")) {
            if (v.path("primary").asText().equals(primary) && v.path("name").asText().equals(volume)) {
                return v.path("bytesReplicated").asLong();
            }
        }
        return -1;
    }

    private static int pattern(int i) {
        return 1 + i % 250;
    }

    private static byte[] digest(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
