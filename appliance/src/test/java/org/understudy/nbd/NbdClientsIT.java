package org.understudy.nbd;

import org.understudy.e2e.Cmd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.storage.FileBlockDevice;

/** Real NBD clients (libnbd tools, qemu, fio) against an in-process {@link NbdServer} over a file-backed export. */
class NbdClientsIT {
    private static final int SIZE = 64 << 20;
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    private Path backing;
    private FileBlockDevice file;
    private CountingBlockDevice dev;
    private NbdServer server;
    private String uri;

    @BeforeEach
    void start() throws Exception {
        backing = dir.resolve("vol0.img");
        file = FileBlockDevice.open(backing, SIZE, "it/vol0");
        dev = new CountingBlockDevice(file);
        MutableNbdExports exports = new MutableNbdExports();
        exports.put("vol0", dev);
        exports.put("vol1", FileBlockDevice.open(dir.resolve("vol1.img"), MIB, "it/vol1"));
        server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports);
        uri = "nbd://127.0.0.1:" + server.port() + "/vol0";
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        file.close();
    }

    private Cmd.Result run(String... cmd) throws Exception {
        Cmd.require(cmd[0]);
        return Cmd.run(java.time.Duration.ofSeconds(240), cmd).ok();
    }

    private Path randomFile(String name, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    private byte[] backingRange(int offset, int length) throws Exception {
        return Arrays.copyOfRange(Files.readAllBytes(backing), offset, offset + length);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void nbdinfo_seesSizeWritableAndAllAdvertisedFeatures() throws Exception {
        String out = run("nbdinfo", uri).output();
        assertTrue(out.contains("export-size: " + SIZE), out);
        assertTrue(out.contains("is_read_only: false"), out);
        for (String can : List.of("can_flush: true", "can_fua: true", "can_multi_conn: true", "can_trim: true", "can_zero: true")) {
            assertTrue(out.contains(can), can + " missing:\n" + out);
        }
        assertTrue(out.contains("block_size_maximum: 33554432"), out);
    }

    @Test
    void nbdinfoList_showsEveryExport() throws Exception {
        String out = run("nbdinfo", "--list", "nbd://127.0.0.1:" + server.port()).output();
        assertTrue(out.contains("export=\"vol0\""), out);
        assertTrue(out.contains("export=\"vol1\""), out);
    }

    @Test
    void nbdcopyWithFlush_thenQemuImgCompare_findsIdenticalData() throws Exception {
        Path src = randomFile("src.img", SIZE, 11);
        run("nbdcopy", "--flush", "--request-size=1048576", src.toString(), uri);
        assertTrue(dev.flushes.get() > 0, "nbdcopy --flush sent no FLUSH");
        run("qemu-img", "compare", "-f", "raw", "-F", "raw", src.toString(), uri);
        assertEquals(-1, Files.mismatch(src, backing), "backing file differs from the source");
    }

    @Test
    void qemuImgConvertIntoExport_leavesBackingFileEqualToSource() throws Exception {
        Path src = randomFile("src2.img", SIZE, 12);
        run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), uri);
        assertEquals(-1, Files.mismatch(src, backing), "backing file differs from the source");
    }

    @Test
    void qemuIoWithoutCache_writeReadFlushZeroDiscard_allApplied() throws Exception {
        run("qemu-io", "-f", "raw", "-t", "none", "-c", "write -P 0xcd 0 4M", uri);
        String out = run("qemu-io", "-f", "raw", "-t", "none",
                "-c", "write -P 0xab 0 1M", "-c", "read -P 0xab 0 1M", "-c", "flush",
                "-c", "write -z 1M 1M", "-c", "discard 2M 1M", "-c", "read -P 0 1M 2M", "-c", "read -P 0xcd 3M 1M", uri).output();
        assertFalse(out.contains("Pattern verification failed"), out);
        assertFalse(out.toLowerCase().contains("error"), out);
        assertEquals(0, dev.fuaWrites.get(), "-t none must not send FUA");
        assertTrue(dev.flushes.get() > 0);
        assertTrue(dev.zeroes.get() > 0, "write -z sent no WRITE_ZEROES");
        assertTrue(dev.trims.get() > 0, "discard sent no TRIM");
        assertArrayEquals(filled(MIB, 0xab), backingRange(0, MIB));
        assertArrayEquals(new byte[2 * MIB], backingRange(MIB, 2 * MIB));
        assertArrayEquals(filled(MIB, 0xcd), backingRange(3 * MIB, MIB));
    }

    @Test
    void qemuIoDefaultCacheMode_sendsFuaWritesThatLand() throws Exception {
        String out = run("qemu-io", "-f", "raw", "-c", "write -P 0x5a 8M 256k", "-c", "read -P 0x5a 8M 256k", uri).output();
        assertFalse(out.contains("Pattern verification failed"), out);
        assertTrue(dev.fuaWrites.get() > 0, "writethrough mode sent no FUA");
        assertArrayEquals(filled(256 << 10, 0x5a), backingRange(8 * MIB, 256 << 10));
    }

    @Test
    void fioRandomWritesQueueDepth16_verifyCrc32c() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("fio", "--name=verify", "--ioengine=nbd", "--uri=" + uri,
                "--rw=randwrite", "--bs=4k", "--size=32M", "--iodepth=16", "--verify=crc32c", "--do_verify=1", "--verify_state_save=0"));
        String out = run(cmd.toArray(String[]::new)).output();
        assertFalse(out.contains("verify: bad"), out);
        assertTrue(dev.writes.get() >= (32 << 20) / 4096, "fio wrote only " + dev.writes.get() + " blocks");
    }
}
