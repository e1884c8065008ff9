package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.storage.ForwardingBlockDevice;

/** A device that only reads (a snapshot) is announced read-only and every modification is answered EPERM. */
class NbdReadOnlyExportTest {
    private MemoryBlockDevice backing;
    private NbdServer server;

    @BeforeEach
    void start() throws Exception {
        backing = new MemoryBlockDevice(1 << 20);
        MutableNbdExports exports = new MutableNbdExports();
        exports.put("snap", new ForwardingBlockDevice(backing) {
            @Override
            public boolean readOnly() {
                return true;
            }
        });
        server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void writesTrimsAndZeroes_areRefusedWithEperm_readsServed() throws Exception {
        try (NbdTestClient c = NbdTestClient.connect(server.port())) {
            c.greet(NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE | NbdConstants.CLIENT_FLAG_NO_ZEROES);
            NbdTestClient.ExportInfo info = c.go("snap");
            assertTrue((info.flags() & NbdConstants.TFLAG_READ_ONLY) != 0, "announced read-only");
            assertEquals(0, info.flags() & NbdConstants.TFLAG_SEND_TRIM, "no trim offered");
            assertEquals(NbdConstants.EPERM, c.write(0, new byte[4096], 0));
            assertEquals(NbdConstants.EPERM, c.write(4096, new byte[512], NbdConstants.CMD_FLAG_FUA));
            assertEquals(NbdConstants.EPERM, c.command(0, NbdConstants.CMD_TRIM, 0, 4096));
            assertEquals(NbdConstants.EPERM, c.command(0, NbdConstants.CMD_WRITE_ZEROES, 0, 4096));
            assertEquals(0, c.command(0, NbdConstants.CMD_FLUSH, 0, 0));
            assertArrayEquals(new byte[4096], c.read(0, 4096), "nothing reached the device");
        }
    }
}
