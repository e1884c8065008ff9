package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.nbd.MutableNbdExports;
import org.understudy.nbd.NbdClient;
import org.understudy.nbd.NbdServer;
import org.understudy.storage.FileBlockDevice;

class NbdProbeTest {
    @TempDir
    Path dir;

    @Test
    void probe_serverOffersEveryExport_alive_andClientReadsData() throws Exception {
        try (FileBlockDevice dev = FileBlockDevice.open(dir.resolve("v.img"), 1 << 20, "v")) {
            dev.write(4096, ByteBuffer.wrap("hello".getBytes()), true);
            MutableNbdExports exports = new MutableNbdExports();
            exports.put("vol0", dev);
            exports.put("vol1", dev);
            try (NbdServer server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports)) {
                NbdProbe probe = new NbdProbe(server.address(), List.of("vol0", "vol1"), Duration.ofSeconds(2), System::nanoTime);
                assertTrue(probe.probe("p1").alive(), probe.probe("p1").detail());
                NbdProbe missing = new NbdProbe(server.address(), List.of("vol0", "vol9"), Duration.ofSeconds(2), System::nanoTime);
                ServiceProbe.Result r = missing.probe("p1");
                assertFalse(r.alive());
                assertTrue(r.detail().contains("vol9"), r.detail());
                try (NbdClient c = NbdClient.open(server.address(), "vol1", Duration.ofSeconds(2))) {
                    assertEquals(1 << 20, c.size());
                    ByteBuffer b = ByteBuffer.allocate(5);
                    c.read(4096, b);
                    assertEquals("hello", new String(b.array()));
                }
            }
        }
    }

    @Test
    void probe_nothingListening_orSilentPeer_failsWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
            // accepts (backlog) but never speaks: the probe must give up after its timeout
            long t0 = System.nanoTime();
            ServiceProbe.Result silent = new NbdProbe(new InetSocketAddress("127.0.0.1", port), List.of("vol0"),
                    Duration.ofMillis(300), System::nanoTime).probe("p1");
            assertFalse(silent.alive());
            assertFalse(silent.refused(), "a time-out is no refusal: " + silent.detail());
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L);
        }
        ServiceProbe.Result refused = new NbdProbe(new InetSocketAddress("127.0.0.1", port), List.of("vol0"),
                Duration.ofMillis(300), System::nanoTime).probe("p1");
        assertFalse(refused.alive());
        assertTrue(refused.detail().contains("failed"), refused.detail());
        // nothing listens on a live host: an explicit refusal, the fact the fast path of detection needs
        assertTrue(refused.refused(), refused.detail());
    }
}
