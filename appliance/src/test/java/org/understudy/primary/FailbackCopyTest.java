package org.understudy.primary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.admin.Json;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.e2e.Poll;
import org.understudy.mirror.MirrorOptions;
import org.understudy.mirror.MirroredVolume;
import org.understudy.nbd.MutableNbdExports;
import org.understudy.nbd.NbdServer;
import org.understudy.resync.IdentityStore;
import org.understudy.resync.VolumeIdentity;
import org.understudy.storage.FileBlockDevice;
import org.understudy.testing.TestCluster;

/**
 * The primary's half of a failback over a real NBD copy source: an incremental first copy, the final copy that takes
 * the replica's identity, and every malformed request refused with a reason.
 */
class FailbackCopyTest {
    private static final long SIZE = 1L << 20;
    private static final int REGION = 64 * 1024;

    @TempDir
    Path root;

    private MirroredVolume volume;
    private FileBlockDevice replica;
    private NbdServer source;
    private String name;
    private VolumeIdentity standIn;

    @BeforeEach
    void open() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort(); // no standby there: the volume stays unlinked, as a fenced primary's is
        }
        ClusterConfig cluster = TestCluster.of(root, dead, 1, SIZE);
        PrimaryConfig p = cluster.primaries().get(0);
        name = p.volumes().get(0).name();
        volume = MirroredVolume.open(cluster, p, p.volumes().get(0),
                MirrorOptions.defaults().withReconnect(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        VolumeIdentity mine = IdentityStore.load(p.stateDir().resolve("volumes").resolve(name + ".identity"))
                .orElseThrow();
        standIn = VolumeIdentity.fresh().completeResyncFrom(mine).startNewGeneration(new Random(5));
        replica = FileBlockDevice.open(root.resolve("replica.img"), SIZE, "replica");
        for (long off = 0; off < SIZE; off += REGION) {
            replica.write(off, ByteBuffer.wrap(fill((byte) (off / REGION + 1))), false);
        }
        MutableNbdExports exports = new MutableNbdExports();
        exports.put(name, replica);
        source = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports);
    }

    @AfterEach
    void close() throws Exception {
        source.close();
        replica.close();
        volume.close();
    }

    private static byte[] fill(byte b) {
        byte[] x = new byte[REGION];
        java.util.Arrays.fill(x, b);
        return x;
    }

    private JsonNode body(boolean last, String ranges) throws Exception {
        String id = Base64.getEncoder().encodeToString(IdentityStore.toBytes(standIn));
        return Json.mapper().readTree("{\"host\":\"127.0.0.1\",\"port\":" + source.address().getPort()
                + ",\"final\":" + last + ",\"volumes\":{\"" + name + "\":{\"replica\":\"" + id
                + "\",\"replicaBitmap\":{\"usable\":true,\"regions\":2},\"ranges\":" + ranges + "}}}");
    }

    private FailbackCopy run(JsonNode body) throws Exception {
        FailbackCopy.Prepared p = FailbackCopy.prepare("p1", body, Map.of(name, volume));
        FailbackCopy copy = assertInstanceOf(FailbackCopy.Accepted.class, p, p.toString()).copy();
        java.util.concurrent.atomic.AtomicReference<String> heard = new java.util.concurrent.atomic.AtomicReference<>();
        copy.start((ok, outcome) -> heard.set(ok + " " + outcome));
        Poll.until(Duration.ofSeconds(20), "copy finished", () -> !copy.running());
        assertEquals(true, copy.status().get("ok"), copy.status().toString());
        assertEquals("true " + copy.status().get("message"), heard.get(), "the owner hears of the end first");
        return copy;
    }

    private byte[] region(long index) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(REGION);
        volume.read(index * REGION, b);
        return b.array();
    }

    @Test
    void firstCopyIsIncremental_finalCopyTakesTheReplicasIdentity() throws Exception {
        FailbackCopy first = run(body(false, "[[0, 65536], [196608, 65536]]"));
        assertTrue(first.plan().contains("R21 INCREMENTAL_TO_PRIMARY"), first.plan());
        assertEquals(2L * REGION, first.status().get("bytesDone"));
        assertArrayEquals(fill((byte) 1), region(0));
        assertArrayEquals(fill((byte) 4), region(3));
        assertArrayEquals(new byte[REGION], region(1), "not in either bitmap: not copied");
        assertTrue(volume.failbackTarget().inProgress(), "inconsistent until the final copy");

        run(body(true, "[[65536, 65536]]"));
        assertArrayEquals(fill((byte) 2), region(1));
        assertTrue(!volume.failbackTarget().inProgress());
        assertEquals(standIn.current().toString(), volume.snapshot().generation());
    }

    @Test
    void badRequests_refusedWithAReason_nothingWritten() throws Exception {
        Map<String, MirroredVolume> vols = Map.of(name, volume);
        List<String> bodies = List.of(
                "{}",
                "{\"host\":\"127.0.0.1\",\"port\":70000,\"volumes\":{}}",
                "{\"host\":\"127.0.0.1\",\"port\":1,\"volumes\":{}}",
                "{\"host\":\"127.0.0.1\",\"port\":1,\"volumes\":{\"nope\":{}}}",
                "{\"host\":\"127.0.0.1\",\"port\":1,\"volumes\":{\"" + name + "\":{\"ranges\":[\"x\"]}}}",
                "{\"host\":\"127.0.0.1\",\"port\":1,\"volumes\":{\"" + name + "\":{\"ranges\":[[0,-5]]}}}",
                "{\"host\":\"127.0.0.1\",\"port\":1,\"volumes\":{\"" + name + "\":{\"ranges\":[[1048576,1]]}}}",
                "{\"host\":\"127.0.0.1\",\"port\":1,\"volumes\":{\"" + name + "\":{\"ranges\":[],\"replica\":\"!!\"}}}");
        for (String b : bodies) {
            FailbackCopy.Prepared p = FailbackCopy.prepare("p1", Json.mapper().readTree(b), vols);
            FailbackCopy.Refused r = assertInstanceOf(FailbackCopy.Refused.class, p, b);
            assertTrue(!r.reason().isBlank(), b);
        }
        // a final copy with no first copy begun would pass partial data off as the replica's
        FailbackCopy.Refused r = assertInstanceOf(FailbackCopy.Refused.class,
                FailbackCopy.prepare("p1", body(true, "[]"), vols));
        assertTrue(r.reason().contains("no failback copy began"), r.reason());
        assertTrue(!volume.failbackTarget().inProgress(), "nothing begun by a refused request");
    }

    @Test
    void copy_isHeldToTheResyncCap() throws Exception {
        // regression: a failback copied 48 MiB in 325 ms under an 8 MB/s resync cap; time here is simulated
        org.understudy.transport.FakeClock clock = new org.understudy.transport.FakeClock();
        org.understudy.resync.ThrottleSet resync = new org.understudy.resync.ThrottleSet("resync", 0, clock,
                (condition, nanos) -> clock.advance(Duration.ofNanos(nanos)));
        resync.setLinkRate("p1", REGION); // 64 KiB/s
        long t0 = clock.getAsLong();
        FailbackCopy.Prepared p = FailbackCopy.prepare("p1",
                body(false, "[[0, 65536], [131072, 65536], [393216, 65536], [655360, 65536]]"), Map.of(name, volume),
                resync.link("p1"));
        FailbackCopy copy = assertInstanceOf(FailbackCopy.Accepted.class, p, p.toString()).copy();
        copy.start((ok, outcome) -> { });
        Poll.until(Duration.ofSeconds(20), "copy finished", () -> !copy.running());
        assertEquals(true, copy.status().get("ok"), copy.status().toString());
        double seconds = (clock.getAsLong() - t0) / 1e9;
        // 256 KiB at 64 KiB/s from an empty bucket, the last chunk on debt: at least 3 s
        assertTrue(seconds >= 3.0, "held to the cap: " + seconds + " s for 256 KiB at 64 KiB/s");
    }
}
