package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synchronous mirroring over real processes: a demo cluster (standby + two primaries as separate JVMs) driven by the
 * real NBD clients, with nodes SIGKILLed mid-flight.
 */
class SyncMirrorIT {
    private static final Duration SYNC = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    private DemoFixture demo;

    @BeforeAll
    static void tools() {
        Cmd.require("fio");
        Cmd.require("qemu-io");
    }

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void fioWithVerify_throughPrimaryExport_replicaByteIdentical() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--volume-size", "64MiB");
        // a demo said to be ready has every primary protected: a switchover could start at once
        assertEquals("PROTECTED", demo.primaryState("standby", "p1"));
        assertEquals("PROTECTED", demo.primaryState("standby", "p2"));
        DemoFixture.Volume vol = demo.volume("p1", "vol0");

        Cmd.run(Duration.ofMinutes(3), "fio", "--name=rand", "--ioengine=nbd", "--uri=" + vol.nbd(), "--rw=randwrite", "--bs=4k",
                "--size=32M", "--iodepth=16", "--verify=crc32c", "--do_verify=1", "--verify_state_save=0", "--randrepeat=0").ok();
        Cmd.run(Duration.ofMinutes(3), "fio", "--name=seq", "--ioengine=nbd", "--uri=" + vol.nbd(), "--rw=write", "--bs=1M",
                "--offset=32M", "--size=32M", "--iodepth=8", "--verify=crc32c", "--do_verify=1", "--verify_state_save=0").ok();

        // synchronous mode: every acknowledged write is on the replica, so no waiting is needed here
        assertIdentical(vol);
        assertEquals("IN_SYNC", demo.volumeState("p1", "p1", "vol0"));
    }

    @Test
    void sigkillPrimary_rightAfterAcknowledgedWrites_everyAcknowledgedByteOnReplica() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1");
        DemoFixture.Volume vol = demo.volume("p1", "vol1");
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-t", "none"));
        int writes = 48;
        for (int i = 0; i < writes; i++) {
            // patterns 0x01..0x30 at scattered, partly unaligned offsets
            cmd.addAll(List.of("-c", "write -P " + (i + 1) + " " + offset(i) + " " + length(i)));
        }
        cmd.add(vol.nbd());
        Cmd.run(Duration.ofMinutes(2), cmd).ok();
        demo.kill("p1");

        try (RandomAccessFile replica = new RandomAccessFile(vol.replicaFile().toFile(), "r")) {
            byte[] buf = new byte[1 << 20];
            for (int i = 0; i < writes; i++) {
                // later writes may overlap earlier ones only where offsets collide; check the non-overwritten part
                int len = length(i);
                replica.seek(offset(i));
                replica.readFully(buf, 0, len);
                for (int b = 0; b < len; b++) {
                    long pos = offset(i) + b;
                    int expected = expectedAt(pos, writes);
                    if (expected != (buf[b] & 0xff)) {
                        throw new AssertionError("replica byte at " + pos + " is " + (buf[b] & 0xff) + ", acknowledged write left " + expected);
                    }
                }
            }
        }
    }

    @Test
    void sigkillStandby_duringWrites_clientSeesNoError() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1");
        DemoFixture.Volume vol = demo.volume("p1", "vol0");
        Path fioOut = tmp.resolve("fio.out");
        Process fio = Cmd.start(fioOut, List.of("fio", "--name=w", "--ioengine=nbd", "--uri=" + vol.nbd(), "--rw=randwrite",
                "--bs=4k", "--size=48M", "--iodepth=16", "--verify=crc32c", "--do_verify=1", "--verify_state_save=0", "--randrepeat=0"));
        Poll.until(Duration.ofSeconds(30), "writes replicated", () -> demo.status("p1").path("volumes").get(0).path("writesReplicated").asLong() > 200);
        demo.kill("standby");
        assertTrue(fio.waitFor(3, java.util.concurrent.TimeUnit.MINUTES), "fio finished");
        assertEquals(0, fio.exitValue(), "fio saw an error after the standby died:\n" + Files.readString(fioOut));
        Poll.until(Duration.ofSeconds(30), "p1/vol0 degraded", () -> "DEGRADED".equals(demo.volumeState("p1", "p1", "vol0")));

        demo.restart("standby");
        demo.awaitInSync("p1", "vol0", SYNC);
        assertIdentical(vol);
    }

    private static long offset(int i) {
        return (long) i * 1_048_576 % (60L << 20) + (i % 3) * 512L + (i % 5 == 0 ? 1_048_576 - 4096 : 0);
    }

    private static int length(int i) {
        return 4096 * (1 + i % 7) + (i % 2) * 512;
    }

    /** The pattern the last acknowledged write covering {@code pos} left there (0 if none). */
    private static int expectedAt(long pos, int writes) {
        int v = 0;
        for (int i = 0; i < writes; i++) {
            if (pos >= offset(i) && pos < offset(i) + length(i)) {
                v = i + 1;
            }
        }
        return v;
    }

    static void assertIdentical(DemoFixture.Volume vol) throws Exception {
        long mismatch = Files.mismatch(vol.primaryFile(), vol.replicaFile());
        assertEquals(-1L, mismatch, "replica of " + vol.primary() + "/" + vol.name() + " differs from the volume at byte " + mismatch);
    }
}
