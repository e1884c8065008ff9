package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Snapshots of replicas over a real demo (one primary, two 16 MiB volumes) read with the real clients: nbdcopy of a
 * snapshot export against what the volume held, three snapshots between fio rounds, cross-volume cuts under a writer
 * that alternates between the volumes, the pre-resync snapshot read while its resync runs, a SIGKILLed standby under
 * heavy writes, deletion. The tests build on each other's snapshots, in order, on one demo.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotIT {
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final int MIB = 1 << 20;
    private static final long SIZE = 16L * MIB;
    private Path dir;
    private DemoFixture demo;
    /** Snapshot export -> the file holding what it must read. */
    private final Map<String, Path> expected = new LinkedHashMap<>();

    @BeforeAll
    void start() throws Exception {
        for (String tool : List.of("nbdcopy", "nbdinfo", "qemu-io", "fio")) {
            Cmd.require(tool);
        }
        dir = Files.createTempDirectory("understudy-snapshot-it-");
        demo = DemoFixture.start(dir.resolve("demo"), "--primaries", "1", "--volume-size", "16MiB");
    }

    @AfterAll
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
        org.understudy.storage.FileTrees.delete(dir);
    }

    @Test
    @Order(1)
    void snapshotExport_readsWhatTheVolumeHeld_whileTheReplicaMovesOn() throws Exception {
        qemuIo("vol0", "write -P 0xa1 0 16M");
        snapshot("create", "p1", "vol0", "--name", "a");
        qemuIo("vol0", "write -P 0xb2 1M 2M");
        Path got = copy("p1/vol0@a");
        byte[] a = new byte[(int) SIZE];
        java.util.Arrays.fill(a, (byte) 0xa1);
        assertArrayEquals(a, Files.readAllBytes(got), "the snapshot reads the volume as it was");
        expected.put("p1/vol0@a", got);
        byte[] replica = Files.readAllBytes(demo.volume("p1", "vol0").replicaFile());
        assertEquals((byte) 0xb2, replica[MIB]);
        assertEquals((byte) 0xa1, replica[MIB - 1]);
        String list = Cmd.run(LIMIT, "nbdinfo", "--list", standbyUri("")).ok().output();
        assertTrue(list.contains("p1/vol0@a") && list.contains("16777216"), list);
        assertTrue(list.contains("is_read_only: true"), list);
    }

    @Test
    @Order(2)
    void threeSnapshotsBetweenFioRounds_eachReadsItsOwnPointInTime() throws Exception {
        for (int round = 1; round <= 3; round++) {
            Cmd.run(LIMIT, "fio", "--name=r" + round, "--ioengine=nbd", "--uri=" + primaryUri("vol1"),
                    "--rw=randwrite", "--bs=4k", "--size=16M", "--number_ios=1500", "--iodepth=8",
                    "--randseed=" + round, "--verify=crc32c", "--do_verify=1").ok();
            Path now = dir.resolve("vol1-round" + round + ".img");
            Cmd.run(LIMIT, "nbdcopy", primaryUri("vol1"), now.toString()).ok();
            snapshot("create", "p1", "vol1", "--name", "r" + round);
            expected.put("p1/vol1@r" + round, now);
        }
        for (int round = 1; round <= 3; round++) {
            String export = "p1/vol1@r" + round;
            assertArrayEquals(Files.readAllBytes(expected.get(export)), Files.readAllBytes(copy(export)), export);
        }
    }

    /**
     * A writer alternates 4 KiB blocks between the two volumes, each write acknowledged before the next: block k of
     * vol0, then block k of vol1. A cut at one point of the write stream shows n blocks on vol1 and n or n+1 on vol0.
     */
    @Test
    @Order(3)
    void snapshotsOfBothVolumes_areOnePointOfTheWriteStream() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (QemuIo v0 = new QemuIo(primaryUri("vol0")); QemuIo v1 = new QemuIo(primaryUri("vol1"))) {
                for (int k = 0; k < 2048 && !stop.get(); k++) {
                    long at = 8L * MIB + 4096L * k;
                    v0.run("write -P 0x5c " + at + " 4k");
                    v1.run("write -P 0x5c " + at + " 4k");
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "alternating-writer");
        writer.start();
        List<String> cuts = new ArrayList<>();
        try {
            for (int i = 1; i <= 4; i++) {
                Thread.sleep(400); // let the writer move between cuts (it is what is measured, not waited for)
                snapshot("create", "p1", "--name", "cut" + i);
                cuts.add("cut" + i);
            }
        } finally {
            stop.set(true);
            writer.join(60_000);
        }
        assertEquals(null, failed.get());
        int lastSeen = -1;
        for (String cut : cuts) {
            int n0 = prefixBlocks(Files.readAllBytes(copy("p1/vol0@" + cut)));
            int n1 = prefixBlocks(Files.readAllBytes(copy("p1/vol1@" + cut)));
            assertTrue(n0 == n1 || n0 == n1 + 1, cut + ": vol0 holds " + n0 + " blocks of the stream, vol1 " + n1);
            lastSeen = Math.max(lastSeen, n0);
        }
        assertTrue(lastSeen > 0, "the writer wrote nothing before the last cut");
    }

    @Test
    @Order(4)
    void beforeAResync_theReplicasStateIsKept_andReadableWhileTheResyncRuns() throws Exception {
        Path before = dir.resolve("vol0-before-resync.img");
        Cmd.run(LIMIT, "nbdcopy", primaryUri("vol0"), before.toString()).ok();
        // 12 MiB to resync in 4 MiB chunks at 256 KiB/s: the first chunk goes at once, the last half a minute later
        DemoFixture.CliRun capped = demo.cliOnCluster("throttle", "--primary", "p1", "--resync", "256KiB/s");
        assertEquals(0, capped.exit(), capped.stdout());
        try {
            demo.kill("standby");
            qemuIo("vol0", "write -P 0xd4 0 12M");
            demo.restart("standby");
            JsonNode pre = Poll.value(LIMIT, "a pre-resync snapshot of p1/vol0", () -> quietly("vol0", "PRE_RESYNC"));
            String export = pre.path("export").asText();
            assertEquals("SYNCING", demo.volumeState("standby", "p1", "vol0"), "the resync runs (capped)");
            assertArrayEquals(Files.readAllBytes(before), Files.readAllBytes(copy(export)),
                    "during the resync the snapshot reads the replica as it was before");
            assertEquals("SYNCING", demo.volumeState("standby", "p1", "vol0"), "read while the resync still ran");
            assertTrue(pre.path("held").asBoolean(), pre.toString());
            expected.put(export, before);
        } finally {
            demo.cliOnCluster("throttle", "--primary", "p1", "--resync", "off");
        }
        demo.awaitInSync("p1", "vol0", LIMIT);
        JsonNode after = Poll.value(LIMIT, "the pre-resync snapshot released", () -> {
            JsonNode s = quietly("vol0", "PRE_RESYNC");
            return s != null && !s.path("held").asBoolean() ? s : null;
        });
        assertFalse(after.path("expires").isNull(), "kept a while after the resync: " + after);
        assertEquals(null, snapshotOf("vol1", "PRE_RESYNC"), "vol1 had nothing to resync");
    }

    @Test
    @Order(5)
    void standbySigkilledUnderHeavyWrites_everySnapshotStillReadsItsPointInTime() throws Exception {
        // a fresh snapshot shares every chunk with the replicas: the heavy writes preserve from their first touch
        for (String v : List.of("vol0", "vol1")) {
            Path now = dir.resolve(v + "-heavy.img");
            Cmd.run(LIMIT, "nbdcopy", primaryUri(v), now.toString()).ok();
            expected.put("p1/" + v + "@heavy", now);
        }
        snapshot("create", "p1", "--name", "heavy");
        List<Process> fio = new ArrayList<>();
        for (String v : List.of("vol0", "vol1")) {
            fio.add(Cmd.start(dir.resolve("fio-" + v + ".out"), List.of("fio", "--name=heavy-" + v, "--ioengine=nbd",
                    "--uri=" + primaryUri(v), "--rw=randwrite", "--bs=4k", "--size=16M", "--iodepth=16",
                    "--time_based", "--runtime=8", "--randrepeat=0")));
        }
        long before = usedBytes();
        Poll.until(LIMIT, "more preserved", () -> usedBytes() > before);
        demo.kill("standby"); // in the middle of copy-on-write: both fio jobs keep writing
        demo.restart("standby");
        for (Process p : fio) {
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "fio did not finish");
        }
        demo.awaitInSync("p1", "vol0", LIMIT);
        demo.awaitInSync("p1", "vol1", LIMIT);
        for (Map.Entry<String, Path> e : expected.entrySet()) {
            assertArrayEquals(Files.readAllBytes(e.getValue()), Files.readAllBytes(copy(e.getKey())), e.getKey()
                    + " after a SIGKILL of the standby in the middle of copy-on-write");
        }
    }

    @Test
    @Order(6)
    void delete_freesTheSpaceAndTheExport_andTheEventLogSaysSo() throws Exception {
        long before = usedBytes();
        DemoFixture.CliRun r = demo.cliOnCluster("snapshot", "delete", "p1", "--name", "r1");
        assertEquals(0, r.exit(), r.stdout());
        assertTrue(usedBytes() <= before);
        String list = Cmd.run(LIMIT, "nbdinfo", "--list", standbyUri("")).ok().output();
        assertFalse(list.contains("p1/vol1@r1"), list);
        assertTrue(list.contains("p1/vol1@r2"), list);
        assertArrayEquals(Files.readAllBytes(expected.get("p1/vol1@r2")), Files.readAllBytes(copy("p1/vol1@r2")),
                "r2 read r1's chunks from where r1 kept them: they passed to it");
        DemoFixture.CliRun events = demo.cliOnCluster("events", "--kind", "SNAPSHOT", "--primary", "p1");
        assertTrue(events.stdout().contains("snapshot r1") && events.stdout().contains("deleted"), events.stdout());
        assertTrue(events.stdout().contains("snapshot a of [vol0] taken"), events.stdout());
        DemoFixture.CliRun refused = demo.cliOnCluster("snapshot", "delete", "p1", "--name", "no-such");
        assertEquals(1, refused.exit(), refused.stdout());
    }

    /**
     * A failover rehearsal of p1 on a test address: its failover script writes to the clones and reads its write back,
     * yet neither the primary's volume nor its replica changes; p1 stays PROTECTED throughout; the clones, their
     * address and their snapshot are gone afterwards; p1's own address is refused.
     */
    @Test
    @Order(7)
    void rehearsal_clonesAreWritable_nothingElseChanges_andAllIsThrownAway() throws Exception {
        Path scripts = demo.dir().resolve("failover.d").resolve("p1");
        Files.createDirectories(scripts);
        Path log = dir.resolve("rehearsal.log");
        Path script = scripts.resolve("10-probe");
        Files.writeString(script, "#!/bin/sh\n"
                + "echo \"kind=$UNDERSTUDY_KIND address=$UNDERSTUDY_ADDRESS volumes=$UNDERSTUDY_VOLUMES\" >> " + log + "\n"
                + "for v in $UNDERSTUDY_VOLUMES; do\n"
                + "  qemu-io -f raw -t none -c 'write -P 0x77 0 64k' -c 'read -P 0x77 0 64k' "
                + "nbd://$UNDERSTUDY_ADDRESS:$UNDERSTUDY_PORT/$v >> " + log + " 2>&1 || exit 3\n"
                + "done\n");
        script.toFile().setExecutable(true);
        byte[] primaryBefore = Files.readAllBytes(demo.volume("p1", "vol0").primaryFile());
        byte[] replicaBefore = Files.readAllBytes(demo.volume("p1", "vol0").replicaFile());
        String test = demo.address("standby").replaceAll("\\.2\\.1$", ".3.9");
        java.util.Set<String> states = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        // straight to the admin API: the CLI's status would swap System.out under the rehearse command's feet
        org.understudy.admin.AdminClient admin = org.understudy.admin.AdminClient.forNode(
                org.understudy.config.ClusterConfigLoader.load(demo.config()), "standby");
        Thread watch = new Thread(() -> {
            while (!done.get()) {
                try {
                    JsonNode s = admin.getJson("/api/status");
                    if (s != null) {
                        states.add(s.path("primaries").path(0).path("state").asText());
                    }
                } catch (Exception e) {
                    states.add("unreadable: " + e);
                }
            }
        }, "state-watch");
        watch.start();
        DemoFixture.CliRun r;
        try {
            r = demo.cliOnCluster("rehearse", "p1", "--address", test);
        } finally {
            done.set(true);
            watch.join(30_000);
        }
        assertEquals(0, r.exit(), r.stdout());
        assertTrue(r.stdout().contains("run-failover-commands") && r.stdout().contains("throw-away"), r.stdout());
        String ran = Files.readString(log);
        assertTrue(ran.contains("kind=rehearsal address=" + test + " volumes=vol0 vol1"), ran);
        assertEquals(2, ran.lines().filter(l -> l.startsWith("read 65536/65536")).count(), "the clones read back: " + ran);
        assertEquals(java.util.Set.of("PROTECTED"), states, "p1's state during the rehearsal");
        assertArrayEquals(primaryBefore, Files.readAllBytes(demo.volume("p1", "vol0").primaryFile()));
        assertArrayEquals(replicaBefore, Files.readAllBytes(demo.volume("p1", "vol0").replicaFile()));
        assertEquals(null, snapshotOf("vol0", "REHEARSAL"), "the rehearsal's snapshot is gone");
        try (java.net.Socket sock = new java.net.Socket()) {
            sock.connect(new java.net.InetSocketAddress(test, 10809), 500);
            throw new AssertionError("the clones are still served on " + test);
        } catch (java.io.IOException expected) {
            // nothing listens any more
        }
        Path clones = demo.dir().resolve("state").resolve("standby").resolve("rehearsal");
        if (Files.exists(clones)) {
            try (var files = Files.walk(clones)) {
                assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "clone files left");
            }
        }
        DemoFixture.CliRun own = demo.cliOnCluster("rehearse", "p1", "--address", demo.address("p1"));
        assertEquals(1, own.exit(), own.stdout());
        assertTrue(own.stdout().contains("own address"), own.stdout());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private void snapshot(String... args) {
        DemoFixture.CliRun r = demo.cliOnCluster(prepend("snapshot", args));
        assertEquals(0, r.exit(), r.stdout());
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private JsonNode snapshotOf(String volume, String kind) throws Exception {
        JsonNode s = demo.status("standby");
        if (s == null) {
            return null;
        }
        for (JsonNode e : s.path("snapshots")) {
            if (e.path("volume").asText().equals(volume) && e.path("kind").asText().equals(kind)) {
                return e;
            }
        }
        return null;
    }

    /** {@link #snapshotOf}, null while the standby does not answer. */
    private JsonNode quietly(String volume, String kind) {
        try {
            return snapshotOf(volume, kind);
        } catch (Exception e) {
            return null;
        }
    }

    private long usedBytes() throws Exception {
        JsonNode s = demo.status("standby");
        return s == null ? -1 : s.path("snapshotSpace").path(0).path("usedBytes").asLong();
    }

    private Path copy(String export) throws Exception {
        Path out = dir.resolve(export.replaceAll("[^A-Za-z0-9]", "_") + "-" + System.nanoTime() + ".img");
        Cmd.run(LIMIT, "nbdcopy", standbyUri(export), out.toString()).ok();
        return out;
    }

    private String standbyUri(String export) {
        return "nbd://" + demo.address("standby") + ":10809/" + export;
    }

    private String primaryUri(String volume) {
        return "nbd://" + demo.address("p1") + ":10809/" + volume;
    }

    private void qemuIo(String volume, String command) throws Exception {
        Cmd.run(LIMIT, "qemu-io", "-f", "raw", "-t", "none", "-c", command, primaryUri(volume)).ok();
    }

    /** Blocks of 0x5c from 8 MiB on, in a row: how far the alternating writer had got on this volume. */
    private static int prefixBlocks(byte[] image) {
        int n = 0;
        for (int at = 8 * MIB; at + 4096 <= image.length; at += 4096, n++) {
            for (int i = at; i < at + 4096; i++) {
                if (image[i] != 0x5c) {
                    return n;
                }
            }
        }
        return n;
    }

    /** One qemu-io process taking commands one at a time, each waited for (its write acknowledged). */
    private static final class QemuIo implements AutoCloseable {
        private final Process process;
        private final PrintWriter in;
        private final BufferedReader out;

        QemuIo(String uri) throws Exception {
            process = new ProcessBuilder("qemu-io", "-f", "raw", "-t", "none", uri).redirectErrorStream(true).start();
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        void run(String command) throws Exception {
            in.println(command);
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains("wrote ")) {
                    return;
                }
                if (line.contains("error") || line.contains("failed")) {
                    throw new AssertionError("qemu-io: " + command + ": " + line);
                }
            }
            throw new AssertionError("qemu-io ended during: " + command);
        }

        @Override
        public void close() throws Exception {
            in.println("quit");
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
