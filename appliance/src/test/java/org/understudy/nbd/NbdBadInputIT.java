package org.understudy.nbd;

import org.understudy.e2e.Cmd;
import org.understudy.e2e.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.storage.FileBlockDevice;

/**
 * Bad input from a raw client against a file-backed export; after each, real clients (nbdinfo, qemu-io) must still
 * connect and find the data written before intact.
 */
class NbdBadInputIT {
    private static final int SIZE = 16 << 20;

    @TempDir
    java.nio.file.Path dir;
    private FileBlockDevice file;
    private NbdServer server;
    private String uri;

    @BeforeEach
    void start() throws Exception {
        Cmd.require("qemu-io");
        Cmd.require("nbdinfo");
        file = FileBlockDevice.open(dir.resolve("vol0.img"), SIZE, "badinput/vol0");
        MutableNbdExports exports = new MutableNbdExports();
        exports.put("vol0", file);
        server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports);
        uri = "nbd://127.0.0.1:" + server.port() + "/vol0";
        tool("qemu-io", "-f", "raw", "-t", "none", "-c", "write -P 0x77 0 1M");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            file.close();
        }
    }

    private String tool(String... cmd) throws Exception {
        String[] full = java.util.Arrays.copyOf(cmd, cmd.length + 1);
        full[cmd.length] = uri;
        return Cmd.run(java.time.Duration.ofSeconds(120), full).ok().output();
    }

    private void assertRealClientsStillWorkAndDataIntact() throws Exception {
        assertTrue(tool("nbdinfo").contains("export-size: " + SIZE));
        String out = tool("qemu-io", "-f", "raw", "-t", "none", "-c", "read -P 0x77 0 1M");
        assertFalse(out.contains("Pattern verification failed"), out);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void garbageInsteadOfHandshake_connectionClosed_realClientsUnaffected() throws Exception {
        try (NbdTestClient c = NbdTestClient.connect(server.port())) {
            c.readBytes(18);
            c.raw(random(4096));
            assertTrue(c.closedByServer());
        }
        assertRealClientsStillWorkAndDataIntact();
    }

    @Test
    void wrongRequestMagic_connectionClosed_realClientsUnaffected() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            c.raw(random(28));
            assertTrue(c.closedByServer());
        }
        assertRealClientsStillWorkAndDataIntact();
    }

    @Test
    void oversizedPayload_connectionClosed_realClientsUnaffected() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            c.send(0, NbdConstants.CMD_WRITE, 0, 0xffff_0000L, null);
            c.raw(random(65536));
            assertTrue(c.closedByServer());
        }
        assertRealClientsStillWorkAndDataIntact();
    }

    @Test
    void outOfRangeUnknownCommandAndUnknownFlag_getSpecErrors_andChangeNothing() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            assertEquals(NbdConstants.EINVAL, c.command(0, NbdConstants.CMD_READ, SIZE, 512));
            assertEquals(NbdConstants.ENOSPC, c.write(SIZE - 100, random(4096), 0));
            assertEquals(NbdConstants.EINVAL, c.command(0, 200, 0, 512));
            assertEquals(NbdConstants.EINVAL, c.write(0, random(512), 1 << 9));
            assertEquals(NbdConstants.EINVAL, c.command(1 << 15, NbdConstants.CMD_TRIM, 0, 1 << 20));
        }
        assertRealClientsStillWorkAndDataIntact();
    }

    @Test
    void clientDisconnectingMidPayload_cleanedUp_realClientsUnaffected() throws Exception {
        try (NbdTestClient c = NbdTestClient.open(server.port(), "vol0")) {
            ByteBuffer b = ByteBuffer.allocate(28 + 300_000);
            new NbdRequest(0, NbdConstants.CMD_WRITE, 1, 0, 1 << 20).encode(b);
            c.raw(b.array());
        }
        Poll.until(Duration.ofSeconds(10), "half-written connection cleaned up", () -> server.connectionCount() == 0);
        assertRealClientsStillWorkAndDataIntact();
    }

    @Test
    void manyAbandonedHandshakes_doNotStopService() throws Exception {
        for (int i = 0; i < 50; i++) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(i % 2 == 0 ? new byte[0] : new byte[] {0, 0, 0, 3, 1});
            }
        }
        Poll.until(Duration.ofSeconds(10), "abandoned connections cleaned up", () -> server.connectionCount() == 0);
        assertRealClientsStillWorkAndDataIntact();
    }
}
