package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator-facing mirroring features over real node processes: online verify from the CLI, the link test, and async
 * mode's bounded backlog across a link cut by a fault proxy between primary and standby.
 */
class MirrorOpsIT {
    private static final Duration SYNC = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private DemoFixture demo;
    private FaultProxy proxy;

    @BeforeAll
    static void tools() {
        Cmd.require("fio");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void verify_findsCorruptedReplicaRegion_andRepairsIt_thenFindsNothingOnABusyHealthyVolume() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1");
        DemoFixture.Volume vol = demo.volume("p1", "vol0");
        Cmd.run(Duration.ofMinutes(2), "fio", "--name=fill", "--ioengine=nbd", "--uri=" + vol.nbd(), "--rw=write",
                "--bs=1M", "--size=32M", "--iodepth=4").ok();
        try (RandomAccessFile raf = new RandomAccessFile(vol.replicaFile().toFile(), "rw")) {
            raf.seek((7 << 20) + 12345);
            raf.write(new byte[] {1, 2, 3});
        }
        DemoFixture.CliRun r = DemoFixture.cli("verify", "--config", demo.config().toString(), "p1", "vol0");
        System.out.println("verify (corrupted): " + r.stdout());
        assertEquals(0, r.exit(), r.stdout());
        assertTrue(r.stdout().contains("mismatches: 1"), r.stdout());
        assertTrue(r.stdout().contains("mismatchOffsets: [7340032]"), r.stdout());
        Poll.until(Duration.ofSeconds(30), "VERIFY_MISMATCH alarm", () -> demo.status("p1").path("alarms").toString().contains("VERIFY_MISMATCH"));
        // regression: the standby showed "never" for a verify p1's own faces had: it shows the primary's last verify
        Poll.until(Duration.ofSeconds(30), "the standby shows p1/vol0's last verify", () -> {
            for (JsonNode v : demo.status("standby").path("volumes")) {
                if (v.path("primary").asText().equals("p1") && v.path("name").asText().equals("vol0")) {
                    return v.path("lastVerify").path("mismatches").asLong() == 1 && v.path("lastVerify").hasNonNull("at");
                }
            }
            return false;
        });
        demo.awaitInSync("p1", "vol0", SYNC);
        Poll.until(SYNC, "repaired", () -> Files.mismatch(vol.primaryFile(), vol.replicaFile()) == -1L);

        Path fioOut = tmp.resolve("fio.out");
        Process fio = Cmd.start(fioOut, List.of("fio", "--name=busy", "--ioengine=nbd", "--uri=" + vol.nbd(), "--rw=randwrite",
                "--bs=4k", "--size=48M", "--time_based", "--runtime=30", "--iodepth=8", "--randrepeat=0"));
        try {
            Poll.until(Duration.ofSeconds(30), "writes flowing", () -> demo.status("p1").path("volumes").get(0).path("writesReplicated").asLong() > 2000);
            for (int i = 0; i < 2; i++) {
                DemoFixture.CliRun busy = DemoFixture.cli("verify", "--config", demo.config().toString(), "p1", "vol0");
                System.out.println("verify (busy): " + busy.stdout());
                assertEquals(0, busy.exit(), busy.stdout());
                assertTrue(busy.stdout().contains("mismatches: 0"), busy.stdout());
            }
        } finally {
            fio.destroyForcibly().waitFor();
        }
    }

    @Test
    void linkTest_reportsRoundTripAndThroughput() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1");
        DemoFixture.CliRun r = DemoFixture.cli("link-test", "--config", demo.config().toString(), "p1");
        System.out.println("link-test: " + r.stdout());
        assertEquals(0, r.exit(), r.stdout());
        assertTrue(r.stdout().contains("round trip") && r.stdout().contains("throughputMBps:"), r.stdout());
    }

    @Test
    void async_linkCutUnderSustainedWrites_backlogBoundHolds_clientsNeverError_resyncMakesIdentical() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1", "--volume-size", "128MiB");
        // route p1's links through a fault proxy and make vol0 asynchronous with a 8 MiB / 16 MiB backlog bound
        JsonNode standbyRepl = new YAMLMapper().readTree(demo.config().toFile()).path("standby").path("replication");
        proxy = FaultProxy.start(new InetSocketAddress(standbyRepl.path("address").asText(), standbyRepl.path("port").asInt()));
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode root = (ObjectNode) yaml.readTree(demo.config().toFile());
        ObjectNode p1 = (ObjectNode) root.path("primaries").get(0);
        p1.putObject("replicationTarget").put("address", "127.0.0.1").put("port", proxy.port());
        ObjectNode v0 = (ObjectNode) p1.path("volumes").get(0);
        v0.put("mode", "async");
        v0.putObject("mirror").putObject("async").put("highWater", "8MiB").put("hardLimit", "16MiB");
        // restarting p1 to reconfigure it must not look like a failure the standby stands in for
        root.putObject("failover").put("auto", false);
        yaml.writeValue(demo.config().toFile(), root);
        assertEquals(0, org.understudy.Main.run("autoswitch", "off", "--config", demo.config().toString()));
        demo.kill("p1");
        demo.restart("p1");
        demo.awaitInSync("p1", "vol0", SYNC);
        DemoFixture.Volume vol = demo.volume("p1", "vol0");

        Path fioOut = tmp.resolve("fio.out");
        Process fio = Cmd.start(fioOut, List.of("fio", "--name=w", "--ioengine=nbd", "--uri=" + vol.nbd(), "--rw=randwrite",
                "--bs=64k", "--size=120M", "--time_based", "--runtime=25", "--iodepth=8", "--randrepeat=0"));
        AtomicLong maxBacklog = new AtomicLong();
        Poll.until(Duration.ofSeconds(30), "writes flowing", () -> backlog(maxBacklog) >= 0
                && demo.status("p1").path("volumes").get(0).path("writesReplicated").asLong() > 200);
        proxy.cut();
        Poll.until(Duration.ofSeconds(20), "degraded while cut", () -> backlog(maxBacklog) >= 0
                && "DEGRADED".equals(demo.volumeState("p1", "p1", "vol0")));
        long t0 = System.nanoTime();
        Poll.until(Duration.ofSeconds(20), "4 s of writes without the link", () -> backlog(maxBacklog) >= 0
                && System.nanoTime() - t0 > 4_000_000_000L);
        proxy.heal();
        assertTrue(fio.waitFor(2, TimeUnit.MINUTES), "fio finished");
        assertEquals(0, fio.exitValue(), "a client write failed:\n" + Files.readString(fioOut));
        demo.awaitInSync("p1", "vol0", SYNC);
        Poll.until(SYNC, "backlog drained and nothing dirty", () -> {
            JsonNode v = demo.status("p1").path("volumes").get(0);
            return v.path("backlogBytes").asLong() == 0 && v.path("dirtyBytes").asLong() == 0;
        });
        System.out.printf("async cut: largest backlog seen %d B (bound %d B)%n", maxBacklog.get(), 16L << 20);
        assertTrue(maxBacklog.get() <= 16L << 20, "backlog " + maxBacklog.get());
        assertEquals(-1L, Files.mismatch(vol.primaryFile(), vol.replicaFile()), "replica identical");
    }

    /** Samples the async backlog of p1/vol0 and keeps the largest value seen. */
    private long backlog(AtomicLong max) throws Exception {
        JsonNode s = demo.status("p1");
        long b = s == null ? 0 : s.path("volumes").get(0).path("backlogBytes").asLong();
        max.accumulateAndGet(b, Math::max);
        return b;
    }
}
