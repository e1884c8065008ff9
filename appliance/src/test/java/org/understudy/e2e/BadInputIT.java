package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.replication.FrameCodec;
import org.understudy.replication.FrameType;
import org.understudy.replication.HandshakeMessages;

/**
 * Hostile input against real node processes: garbage, truncated, oversized and unauthenticated traffic on a primary's
 * NBD port and on the standby's replication port. Each bad connection is closed (or answered with the protocol's
 * error); afterwards both daemons are alive, mirroring still works and the replica still equals the volume.
 */
class BadInputIT {
    private static final int NBD_REQUEST_MAGIC = 0x25609513;
    private static final Random RANDOM = new Random(20261121);

    @TempDir
    static Path tmp;
    private static DemoFixture demo;
    private static DemoFixture.Volume vol;
    private static InetSocketAddress nbd;
    private static InetSocketAddress replication;

    @BeforeAll
    static void start() throws Exception {
        Cmd.require("qemu-io");
        Cmd.require("nbdinfo");
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1", "--volume-size", "8MiB");
        vol = demo.volume("p1", "vol0");
        nbd = new InetSocketAddress(demo.address("p1"), 10809);
        replication = new InetSocketAddress(demo.address("standby"), 7700);
        Cmd.run(Duration.ofSeconds(60), "qemu-io", "-f", "raw", "-t", "none", "-c", "write -P 0x5a 0 1M", vol.nbd()).ok();
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo == null) {
            return;
        }
        try {
            // the data path survived everything the tests threw at it
            assertTrue(demo.alive("p1") && demo.alive("standby"), "both daemons alive");
            Cmd.run(Duration.ofSeconds(60), "qemu-io", "-f", "raw", "-t", "none", "-c", "read -P 0x5a 0 1M", "-c", "write -P 0x6b 1M 1M",
                    vol.nbd()).ok();
            Cmd.run(Duration.ofSeconds(30), "nbdinfo", vol.nbd()).ok();
            demo.awaitInSync("p1", "vol0", Duration.ofSeconds(60));
            SyncMirrorIT.assertIdentical(vol);
        } finally {
            demo.close();
        }
    }

    @Test
    void nbdPort_garbageInsteadOfHandshake_connectionClosed() throws Exception {
        try (Socket s = connect(nbd)) {
            readFully(s.getInputStream(), 18); // NBDMAGIC, IHAVEOPT, handshake flags
            byte[] junk = new byte[4096];
            RANDOM.nextBytes(junk);
            s.getOutputStream().write(junk);
            assertClosed(s);
        }
    }

    @Test
    void nbdPort_wrongRequestMagic_connectionClosed() throws Exception {
        try (Socket s = nbdSession()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(0xdeadbeef);
            out.writeShort(0);
            out.writeShort(0);
            out.writeLong(1);
            out.writeLong(0);
            out.writeInt(512);
            out.flush();
            assertClosed(s);
        }
    }

    @Test
    void nbdPort_oversizedWrite_connectionClosed() throws Exception {
        try (Socket s = nbdSession()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            writeRequest(out, 1, 0, 0, 1 << 30); // a 1 GiB payload on an 8 MiB export
            assertClosed(s);
        }
    }

    @Test
    void nbdPort_readPastTheEnd_einvalThenConnectionStillServes() throws Exception {
        try (Socket s = nbdSession()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            writeRequest(out, 0, 7, vol.size() - 512, 4096);
            assertEquals(0x67446698, in.readInt(), "simple reply magic");
            int error = in.readInt();
            assertEquals(7L, in.readLong(), "handle");
            assertTrue(error == 22 || error == 28, "EINVAL or ENOSPC for a range past the end, got " + error);
            writeRequest(out, 0, 8, 0, 512);
            assertEquals(0x67446698, in.readInt());
            assertEquals(0, in.readInt(), "a good read after the bad one succeeds");
            assertEquals(8L, in.readLong());
            byte[] data = readFully(in, 512);
            assertEquals(0x5a, data[0] & 0xff);
        }
    }

    @Test
    void nbdPort_clientVanishesMidWrite_nothingWritten() throws Exception {
        try (Socket s = nbdSession()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            writeRequest(out, 1, 9, 0, 65536);
            out.write(new byte[1000]); // 1000 of the promised 65536 bytes of zeros, then gone
            out.flush();
        }
        // the 0x5a pattern at offset 0 must still be there: a torn request is never applied
        Cmd.run(Duration.ofSeconds(60), "qemu-io", "-f", "raw", "-t", "none", "-c", "read -P 0x5a 0 64k", vol.nbd()).ok();
    }

    @Test
    void replicationPort_garbage_connectionClosed() throws Exception {
        try (Socket s = connect(replication)) {
            byte[] junk = new byte[8192];
            RANDOM.nextBytes(junk);
            s.getOutputStream().write(junk);
            assertClosed(s);
        }
    }

    @Test
    void replicationPort_oversizedFrame_connectionClosed() throws Exception {
        try (Socket s = connect(replication)) {
            ByteBuffer header = ByteBuffer.allocate(FrameCodec.HEADER_SIZE);
            FrameCodec.writeHeader(header, FrameType.HELLO, 0, 0, 0, 0, 512 << 20, new java.util.zip.CRC32C());
            s.getOutputStream().write(header.array());
            assertClosed(s);
        }
    }

    @Test
    void replicationPort_truncatedFrame_connectionClosedNothingApplied() throws Exception {
        try (Socket s = connect(replication)) {
            ByteBuffer frame = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + 64);
            FrameCodec.encode(frame, FrameType.HELLO, 0, 0, 0, 0, ByteBuffer.allocate(64));
            s.getOutputStream().write(frame.array(), 0, FrameCodec.HEADER_SIZE + 10);
            s.shutdownOutput();
            assertClosed(s);
        }
    }

    @Test
    void replicationPort_wrongKey_refusedBeforeAnyData() throws Exception {
        try (Socket s = connect(replication)) {
            byte[] nonce = new byte[HandshakeMessages.NONCE_SIZE];
            new SecureRandom().nextBytes(nonce);
            var hello = new HandshakeMessages.Hello(FrameCodec.VERSION, FrameCodec.VERSION, FrameCodec.MAX_FRAME, nonce, "p1", "vol0",
                    vol.size());
            sendFrame(s, FrameType.HELLO, hello.encode());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = readFully(in, FrameCodec.HEADER_SIZE);
            int payload = ByteBuffer.wrap(header).getInt(32);
            readFully(in, payload); // the standby's CHALLENGE: its proof we cannot check without the key
            byte[] forged = new byte[HandshakeMessages.MAC_SIZE];
            new SecureRandom().nextBytes(forged);
            sendFrame(s, FrameType.PROOF, new HandshakeMessages.Proof(forged).encode());
            assertClosed(s);
        }
    }

    private static void sendFrame(Socket s, FrameType type, ByteBuffer payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + payload.remaining());
        FrameCodec.encode(frame, type, 0, 0, 0, 0, payload);
        s.getOutputStream().write(frame.array(), 0, frame.position());
        s.getOutputStream().flush();
    }

    /** A connection past the NBD handshake on the volume, via OPT_EXPORT_NAME. */
    private static Socket nbdSession() throws IOException {
        Socket s = connect(nbd);
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        readFully(in, 16);
        int serverFlags = in.readUnsignedShort();
        boolean noZeroes = (serverFlags & 2) != 0;
        out.writeInt(noZeroes ? 3 : 1); // FIXED_NEWSTYLE | NO_ZEROES
        byte[] name = vol.name().getBytes(StandardCharsets.UTF_8);
        out.writeLong(0x49484156454F5054L); // IHAVEOPT
        out.writeInt(1); // NBD_OPT_EXPORT_NAME
        out.writeInt(name.length);
        out.write(name);
        out.flush();
        assertEquals(vol.size(), in.readLong(), "export size");
        in.readUnsignedShort();
        if (!noZeroes) {
            readFully(in, 124);
        }
        return s;
    }

    private static void writeRequest(DataOutputStream out, int type, long handle, long offset, int length) throws IOException {
        out.writeInt(NBD_REQUEST_MAGIC);
        out.writeShort(0);
        out.writeShort(type);
        out.writeLong(handle);
        out.writeLong(offset);
        out.writeInt(length);
        out.flush();
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5000);
        s.setSoTimeout(15_000);
        return s;
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        new DataInputStream(in).readFully(b);
        return b;
    }

    /** The peer closes: reading hits end of stream (or a reset) within the socket timeout. */
    private static void assertClosed(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            while (in.read(buf) >= 0) {
                // drain whatever error reply came first
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("connection still open 15 s after bad input", e);
        } catch (IOException e) {
            // reset by peer: closed too
        }
    }
}
