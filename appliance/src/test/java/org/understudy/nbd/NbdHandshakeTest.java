package org.understudy.nbd;

import org.understudy.e2e.Poll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Handshake negotiation against a real {@link NbdServer} over loopback, driven by our raw test client. */
class NbdHandshakeTest {
    private MutableNbdExports exports;
    private NbdServer server;

    @BeforeEach
    void start() throws Exception {
        exports = new MutableNbdExports();
        exports.put("vol0", new MemoryBlockDevice(1 << 20));
        exports.put("vol1", new MemoryBlockDevice(2 << 20));
        server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private NbdTestClient greeted() throws Exception {
        NbdTestClient c = NbdTestClient.connect(server.port());
        c.greet(NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE | NbdConstants.CLIENT_FLAG_NO_ZEROES);
        return c;
    }

    @Test
    void greeting_offersFixedNewstyleAndNoZeroes() throws Exception {
        try (NbdTestClient c = greeted()) {
            assertEquals(NbdConstants.FLAG_FIXED_NEWSTYLE | NbdConstants.FLAG_NO_ZEROES, c.handshakeFlags);
        }
    }

    @Test
    void go_repliesExportSizeFlagsAndBlockSizes_thenTransmissionWorks() throws Exception {
        try (NbdTestClient c = greeted()) {
            NbdTestClient.ExportInfo info = c.go("vol1");
            assertNotNull(info);
            assertEquals(2 << 20, info.size());
            assertEquals(NbdConstants.SERVER_TRANSMISSION_FLAGS, info.flags());
            assertEquals(0, info.flags() & NbdConstants.TFLAG_READ_ONLY);
            assertEquals(1, info.minBlock());
            assertEquals(4096, info.preferredBlock());
            assertEquals(32 << 20, info.maxBlock());
            assertEquals(0, c.write(0, new byte[] {1, 2, 3}, 0));
            assertArrayEquals(new byte[] {1, 2, 3}, c.read(0, 3));
        }
    }

    @Test
    void go_withNameAndDescriptionRequests_answersThem() throws Exception {
        try (NbdTestClient c = greeted()) {
            NbdTestClient.ExportInfo info = c.go("vol0", NbdConstants.INFO_NAME, NbdConstants.INFO_DESCRIPTION, 999);
            assertNotNull(info);
            List<Integer> infoTypes = new ArrayList<>();
            for (var r : info.replies()) {
                if (r.type() == NbdConstants.REP_INFO) {
                    infoTypes.add((int) ByteBuffer.wrap(r.data()).getShort());
                }
            }
            assertTrue(infoTypes.containsAll(List.of(NbdConstants.INFO_NAME, NbdConstants.INFO_DESCRIPTION,
                    NbdConstants.INFO_EXPORT, NbdConstants.INFO_BLOCK_SIZE)), infoTypes.toString());
        }
    }

    @Test
    void info_thenGo_onSameConnection_bothAnswered() throws Exception {
        try (NbdTestClient c = greeted()) {
            NbdTestClient.ExportInfo info = c.goOrInfo(NbdConstants.OPT_INFO, "vol0");
            assertEquals(1 << 20, info.size());
            assertNotNull(c.go("vol1"));
            assertArrayEquals(new byte[4], c.read((2 << 20) - 4, 4));
        }
    }

    @Test
    void list_returnsEveryExportThenAck() throws Exception {
        try (NbdTestClient c = greeted()) {
            c.sendOption(NbdConstants.OPT_LIST, new byte[0]);
            List<String> names = new ArrayList<>();
            NbdHandshakeCodec.OptionReply r;
            while ((r = c.readOptionReply()).type() == NbdConstants.REP_SERVER) {
                ByteBuffer d = ByteBuffer.wrap(r.data());
                byte[] n = new byte[d.getInt()];
                d.get(n);
                names.add(new String(n));
            }
            assertEquals(NbdConstants.REP_ACK, r.type());
            assertEquals(List.of("vol0", "vol1"), names);
        }
    }

    @Test
    void list_withData_isErrInvalidAndHagglingContinues() throws Exception {
        try (NbdTestClient c = greeted()) {
            c.sendOption(NbdConstants.OPT_LIST, new byte[] {1});
            assertEquals(NbdConstants.REP_ERR_INVALID, c.readOptionReply().type());
            assertNotNull(c.go("vol0"));
        }
    }

    @Test
    void exportName_withNoZeroes_replies10BytesThenTransmission() throws Exception {
        try (NbdTestClient c = greeted()) {
            c.sendOption(NbdConstants.OPT_EXPORT_NAME, NbdTestClient.utf8("vol0"));
            ByteBuffer r = ByteBuffer.wrap(c.readBytes(10));
            assertEquals(1 << 20, r.getLong());
            assertEquals(NbdConstants.SERVER_TRANSMISSION_FLAGS, r.getShort() & 0xffff);
            assertEquals(0, c.write(10, new byte[] {9}, NbdConstants.CMD_FLAG_FUA));
            assertArrayEquals(new byte[] {9}, c.read(10, 1));
        }
    }

    @Test
    void exportName_withoutNoZeroes_sends124ZeroBytes() throws Exception {
        try (NbdTestClient c = NbdTestClient.connect(server.port())) {
            c.greet(NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE);
            c.sendOption(NbdConstants.OPT_EXPORT_NAME, NbdTestClient.utf8("vol0"));
            c.readBytes(10);
            assertArrayEquals(new byte[124], c.readBytes(124));
            assertArrayEquals(new byte[2], c.read(0, 2));
        }
    }

    @Test
    void exportName_unknown_closesConnection() throws Exception {
        try (NbdTestClient c = greeted()) {
            c.sendOption(NbdConstants.OPT_EXPORT_NAME, NbdTestClient.utf8("nope"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void abort_getsAckThenClose() throws Exception {
        try (NbdTestClient c = greeted()) {
            c.sendOption(NbdConstants.OPT_ABORT, new byte[0]);
            assertEquals(NbdConstants.REP_ACK, c.readOptionReply().type());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void unsupportedOptions_getErrUnsup_thenGoStillWorks() throws Exception {
        try (NbdTestClient c = greeted()) {
            for (int opt : new int[] {NbdConstants.OPT_STRUCTURED_REPLY, NbdConstants.OPT_SET_META_CONTEXT,
                    NbdConstants.OPT_LIST_META_CONTEXT, NbdConstants.OPT_STARTTLS, NbdConstants.OPT_EXTENDED_HEADERS, 4, 12345}) {
                c.sendOption(opt, new byte[opt == NbdConstants.OPT_SET_META_CONTEXT ? 20 : 0]);
                NbdHandshakeCodec.OptionReply r = c.readOptionReply();
                assertEquals(NbdConstants.REP_ERR_UNSUP, r.type(), NbdConstants.optionName(opt));
                assertEquals(opt, r.option());
            }
            assertNotNull(c.go("vol0"));
            assertArrayEquals(new byte[1], c.read(0, 1));
        }
    }

    @Test
    void go_unknownExport_isErrUnknown_thenGoToKnownExportWorks() throws Exception {
        try (NbdTestClient c = greeted()) {
            assertNull(c.go("missing"));
            assertEquals(NbdConstants.REP_ERR_UNKNOWN, c.lastError.type());
            assertNotNull(c.go("vol0"));
        }
    }

    @Test
    void go_malformedPayload_isErrInvalid_andHagglingContinues() throws Exception {
        try (NbdTestClient c = greeted()) {
            c.sendOption(NbdConstants.OPT_GO, new byte[] {0, 0, 0, 50, 'x'});
            assertEquals(NbdConstants.REP_ERR_INVALID, c.readOptionReply().type());
            assertNotNull(c.go("vol0"));
        }
    }

    @Test
    void exportAddedAtRunTime_isServedByTheRunningServer() throws Exception {
        exports.put("late", new MemoryBlockDevice(4096));
        try (NbdTestClient c = greeted()) {
            assertEquals(4096, c.go("late").size());
        }
    }

    @Test
    void garbageInsteadOfClientFlags_closesConnection_andServerKeepsServing() throws Exception {
        try (NbdTestClient c = NbdTestClient.connect(server.port())) {
            c.readBytes(18);
            c.raw(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4});
            assertTrue(c.closedByServer());
        }
        try (NbdTestClient ok = NbdTestClient.open(server.port(), "vol0")) {
            assertArrayEquals(new byte[1], ok.read(0, 1));
        }
    }

    @Test
    void wrongOptionMagic_closesConnection() throws Exception {
        try (NbdTestClient c = greeted()) {
            c.raw(new byte[16]);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void hugeOptionLength_closesConnectionWithoutReadingIt() throws Exception {
        try (NbdTestClient c = greeted()) {
            ByteBuffer h = NbdHandshakeCodec.encodeOptionHeader(ByteBuffer.allocate(16), 99, 0x7fff_ffff);
            c.raw(h.array());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void clientClosingDuringHandshake_isCleanedUp() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            new DataInputStream(s.getInputStream()).readFully(new byte[18]);
        }
        Poll.until(Duration.ofSeconds(5), "connection cleaned up", () -> server.connectionCount() == 0);
    }

    @Test
    void silentClient_isClosedAfterHandshakeTimeout() throws Exception {
        try (NbdServer quick = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports,
                new NbdServer.Limits(4, 32 << 20, Duration.ofMillis(200)));
             NbdTestClient c = NbdTestClient.connect(quick.port())) {
            c.readBytes(18);
            assertTrue(c.closedByServer());
            Poll.until(Duration.ofSeconds(5), "silent connection dropped", () -> quick.connectionCount() == 0);
            try (NbdTestClient ok = NbdTestClient.open(quick.port(), "vol0")) {
                assertArrayEquals(new byte[1], ok.read(0, 1));
            }
        }
    }
}
