package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.understudy.storage.FileTrees;
import org.understudy.testing.SmallDisk;

/**
 * Regression (issue 13) over a real demo whose standby keeps its state on a small disk of its own (a 48 MiB tmpfs;
 * root only, skipped elsewhere): with no space limit, a snapshot is taken, the disk fills up, the operator frees a
 * little room (less than the snapshot would need to preserve what the primary overwrites next) and the primary
 * overwrites its volumes. Before, the snapshot held on to the room, every replica write failed with "No space left on
 * device" and the replicas stayed out of sync; now the standby drops the snapshot (an event and the SNAPSHOT_SPACE
 * alarm), gives its room back and the replicas are back in sync, holding what the primary wrote.
 */
class SnapshotDiskFullIT {
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final int MIB = 1 << 20;
    private static final long SIZE = 8L * MIB;

    @Test
    void fullStandbyDisk_noSpaceLimit_theSnapshotGoes_andTheReplicasAreBackInSync() throws Exception {
        SmallDisk.assumeRoot(); // before a demo is started for nothing
        for (String tool : java.util.List.of("qemu-io", "cp", "mount", "umount")) {
            Cmd.require(tool);
        }
        Path dir = Files.createTempDirectory("understudy-snapshot-disk-full-it-");
        DemoFixture demo = null;
        SmallDisk disk = null;
        try {
            demo = DemoFixture.start(dir.resolve("demo"), "--primaries", "1", "--volume-size", "8MiB");
            demo.kill("standby");
            disk = SmallDisk.mountOver(dir.resolve("demo").resolve("state").resolve("standby"), 48L * MIB);
            demo.restart("standby");
            for (String v : java.util.List.of("vol0", "vol1")) {
                qemu(demo, v, "write -P 0xa1 0 8M");
                demo.awaitInSync("p1", v, LIMIT);
            }
            DemoFixture.CliRun snap = demo.cliOnCluster("snapshot", "create", "p1", "--name", "before");
            assertTrue(snap.exit() == 0, snap.stdout());

            long filled = disk.fill("other");
            try (FileChannel ch = FileChannel.open(disk.path().resolve("other"), StandardOpenOption.WRITE)) {
                ch.truncate(filled - 4L * MIB);  // the operator frees 4 MiB; preserving the overwrites needs 16
            }
            for (String v : java.util.List.of("vol0", "vol1")) {
                qemu(demo, v, "write -P 0xb2 0 8M");
            }

            final DemoFixture d = demo;
            for (String v : java.util.List.of("vol0", "vol1")) {
                Poll.until(LIMIT, () -> "p1/" + v + " back in sync; logs:\n" + DemoFixture.logs(d.dir()), () ->
                        "IN_SYNC".equals(d.volumeState("p1", "p1", v))
                                && "IN_SYNC".equals(d.volumeState("standby", "p1", v)));
                byte[] b = new byte[(int) SIZE];
                Arrays.fill(b, (byte) 0xb2);
                assertArrayEquals(b, Files.readAllBytes(demo.volume("p1", v).replicaFile()), v + " replica");
            }
            DemoFixture.CliRun events = demo.cliOnCluster("events", "--kind", "SNAPSHOT", "--primary", "p1");
            assertTrue(events.stdout().contains("the file system is full"), events.stdout());
            DemoFixture.CliRun alarms = demo.cliOnCluster("events", "--kind", "ALARM_RAISED", "--primary", "p1");
            assertTrue(alarms.stdout().contains("SNAPSHOT_SPACE: the file system is full"), alarms.stdout());
        } finally {
            if (demo != null) {
                demo.close();
            }
            if (disk != null) {
                disk.close();
            }
            FileTrees.delete(dir);
        }
    }

    private static void qemu(DemoFixture demo, String volume, String command) throws Exception {
        DemoFixture.qemu("nbd://" + demo.address("p1") + ":10809/" + volume, command);
    }
}
