package org.understudy.mirror;

import org.understudy.e2e.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.config.MirrorSettings;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.e2e.Cmd;
import org.understudy.model.AlarmKind;
import org.understudy.model.MirrorState;
import org.understudy.nbd.NbdExports;
import org.understudy.nbd.NbdServer;
import org.understudy.resync.Throttles;
import org.understudy.storage.BlockDevice;
import org.understudy.storage.FailingReads;
import org.understudy.storage.FileBlockDevice;

/** Online verify, the read blocker and the link test, in process (the read blocker also through qemu-io). */
class VerifyReadBlockerLinkTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void verify_findsACorruptedReplicaRegion_alarms_andResyncRepairsIt() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 32 * MIB)) {
            AlarmRegistry alarms = new AlarmRegistry("p1", Clock.systemUTC());
            List<org.understudy.model.ModelEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            PrimaryConfig p = f.cluster.primaries().get(0);
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(),
                    new MirrorContext(Throttles.unlimited(), alarms, events::add))) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                v.write(0, MirrorFixture.pattern((int) (8 * MIB), 1), false);
                events.clear();
                assertEquals(0, v.verify().mismatches(), "a healthy replica");
                try (RandomAccessFile raf = new RandomAccessFile(f.replicaImage(1, 0).toFile(), "rw")) {
                    raf.seek(5 * MIB + 100);
                    raf.write(new byte[] {(byte) 0xde, (byte) 0xad});
                }
                VerifyResult r = v.verify();
                assertEquals(1, r.mismatches(), r.toString());
                assertEquals(List.of(5 * MIB), r.mismatchOffsets());
                assertTrue(alarms.isActive(AlarmKind.VERIFY_MISMATCH, "p1/vol0"));
                Poll.until(Duration.ofSeconds(20), () -> "resynced: " + v.snapshot(),
                        () -> v.state() == MirrorState.IN_SYNC && v.dirtyBytes() == 0);
                f.assertIdentical(1, 0);
                assertEquals(0, v.verify().mismatches(), "repaired");
                assertTrue(!alarms.isActive(AlarmKind.VERIFY_MISMATCH, "p1/vol0"));
                // the faces hear of it: the mismatch, then the resync that repaired it (one region)
                List<String> seen = events.stream().map(e -> switch (e) {
                    case org.understudy.model.ModelEvent.VerifyMismatch m -> "mismatch " + m.primary() + "/" + m.volume() + " " + m.mismatches();
                    case org.understudy.model.ModelEvent.ResyncStarted rs -> "started " + rs.primary() + "/" + rs.volume() + " " + rs.bytes();
                    case org.understudy.model.ModelEvent.ResyncCompleted rc -> "completed " + rc.primary() + "/" + rc.volume() + " " + rc.bytes();
                    default -> e.getClass().getSimpleName();
                }).toList();
                long region = 64 * 1024;
                assertEquals(List.of("mismatch p1/vol0 1", "started p1/vol0 " + region, "completed p1/vol0 " + region), seen);
                assertTrue(v.snapshot().lastVerify().text().contains("no mismatch") && v.snapshot().lastVerify().mismatches() == 0, v.snapshot().lastVerify().toString());
            }
        }
    }

    @Test
    void verifyRunning_showsInTheSnapshot_untilItEnds() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 64 * MIB)) {
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                assertEquals(null, v.snapshot().lastVerify().running(), "no verify runs yet");
                // the verify's second batch waits for this range: it stays running, its first batch not compared
                RangeGuard.Range held = v.guard().acquire(16 * MIB, MIB);
                AtomicReference<Object> outcome = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        outcome.set(v.verify());
                    } catch (IOException | RuntimeException e) {
                        outcome.set(e);
                    }
                });
                t.start();
                try {
                    Poll.until(Duration.ofSeconds(20), () -> "running in " + v.snapshot().lastVerify(),
                            () -> v.snapshot().lastVerify().running() != null);
                    org.understudy.model.VerifyProgress running = v.snapshot().lastVerify().running();
                    assertEquals(64 * MIB, running.bytesTotal());
                    assertEquals(0, running.bytesDone(), "nothing compared while the second batch waits");
                    assertTrue(running.startedAt() != null);
                } finally {
                    v.guard().release(held);
                }
                t.join(20_000);
                assertTrue(outcome.get() instanceof VerifyResult r && r.mismatches() == 0, String.valueOf(outcome.get()));
                assertEquals(null, v.snapshot().lastVerify().running(), "ended: " + v.snapshot().lastVerify());
                assertTrue(v.snapshot().lastVerify().ran());
            }
        }
    }

    @Test
    void verify_onABusyHealthyVolume_reportsNothing() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 64 * MIB)) {
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<Throwable> failed = new AtomicReference<>();
                Thread writer = new Thread(() -> {
                    long i = 0;
                    while (!stop.get()) {
                        try {
                            v.write((i * 7 * 65536 + (i % 3) * 4096) % (60 * MIB), MirrorFixture.pattern(16384, i), false);
                            i++;
                        } catch (IOException e) {
                            failed.set(e);
                            return;
                        }
                    }
                });
                writer.start();
                try {
                    for (int round = 0; round < 3; round++) {
                        VerifyResult r = v.verify();
                        assertEquals(0, r.mismatches(), r.toString());
                    }
                } finally {
                    stop.set(true);
                    writer.join();
                }
                assertEquals(null, failed.get());
            }
        }
    }

    @Test
    void readBlockerOff_localReadError_servedFromTheReplica_throughQemuIo() throws Exception {
        Cmd.require("qemu-io");
        try (MirrorFixture f = new MirrorFixture(root, 1, 16 * MIB)) {
            AlarmRegistry alarms = new AlarmRegistry("p1", Clock.systemUTC());
            PrimaryConfig p = f.cluster.primaries().get(0);
            VolumeConfig base = p.volumes().get(0);
            VolumeConfig off = new VolumeConfig(base.name(), base.file(), base.size(), base.mode(),
                    MirrorSettings.DEFAULTS.withReadBlocker(false));
            FailingReads disk = new FailingReads(FileBlockDevice.open(base.file(), base.size(), "p1/vol0"));
            try (MirroredVolume v = MirroredVolume.wrap(f.cluster, p, off, disk, MirrorFixture.fastOptions(),
                    BitmapPlanners.open(p, off, System::nanoTime), new MirrorContext(Throttles.unlimited(), alarms));
                 NbdServer nbd = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports(v))) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                String uri = "nbd://127.0.0.1:" + nbd.port() + "/vol0";
                Cmd.run(Duration.ofMinutes(1), "qemu-io", "-f", "raw", "-t", "none", "-c", "write -P 0x3c 1M 6M", uri).ok();
                disk.failing(true);
                Cmd.run(Duration.ofMinutes(1), "qemu-io", "-f", "raw", "-t", "none", "-c", "read -P 0x3c 1M 6M",
                        "-c", "read -P 0 8M 1M", uri).ok();
                assertTrue(v.replicaReads() > 0);
                assertTrue(alarms.isActive(AlarmKind.STORAGE_ERROR, "p1/vol0"), alarms.active().toString());
            }
        }
    }

    @Test
    void readBlockerOn_localReadError_reachesTheClient() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            PrimaryConfig p = f.cluster.primaries().get(0);
            VolumeConfig base = p.volumes().get(0);
            FailingReads disk = new FailingReads(FileBlockDevice.open(base.file(), base.size(), "p1/vol0"));
            try (MirroredVolume v = MirroredVolume.wrap(f.cluster, p, base, disk, MirrorFixture.fastOptions(),
                    ResyncPlanner.FULL)) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                disk.failing(true);
                assertThrows(IOException.class, () -> v.read(0, ByteBuffer.allocate(4096)));
            }
        }
    }

    @Test
    void linkTest_measuresRoundTripAndThroughput() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                LinkTestResult r = v.linkTest();
                assertTrue(r.rttMinMicros() > 0 && r.rttMinMicros() <= r.rttAvgMicros()
                        && r.rttAvgMicros() <= r.rttMaxMicros(), r.toString());
                assertTrue(r.bytesPerSecond() > 10e6, r.toString());
                assertTrue(r.advice().contains("synchronous"), r.advice());
                f.assertIdentical(1, 0);
            }
        }
    }

    private static NbdExports exports(BlockDevice v) {
        return new NbdExports() {
            @Override
            public Optional<BlockDevice> lookup(String name) {
                return name.equals("vol0") ? Optional.of(v) : Optional.empty();
            }

            @Override
            public List<String> names() {
                return List.of("vol0");
            }
        };
    }
}
