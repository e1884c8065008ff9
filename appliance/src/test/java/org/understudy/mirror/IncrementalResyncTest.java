package org.understudy.mirror;

import org.understudy.e2e.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.AlarmKind;
import org.understudy.model.MirrorState;
import org.understudy.replica.Replica;
import org.understudy.resync.IdentityStore;
import org.understudy.resync.ResyncDecision;
import org.understudy.resync.Throttles;
import org.understudy.resync.VolumeIdentity;

/** Dirty-region tracking, generations and incremental resync, in process over loopback. */
class IncrementalResyncTest {
    private static final long MIB = 1 << 20;
    private static final int REGION = 64 * 1024;

    @TempDir
    Path root;

    private static void write(MirroredVolume v, long offset, int len, long seed) throws Exception {
        v.write(offset, MirrorFixture.pattern(len, seed), false);
    }

    @Test
    void standbyRestart_onlyDirtyRegionsTravel_inOneRegionPerWrite_andReplicaIdentical() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 32 * MIB)) {
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                for (int i = 0; i < 64; i++) {
                    write(v, i * 256 * 1024L, 4096, i);
                }
                assertEquals(0, v.dirtyBytes(), "acknowledged writes leave nothing dirty");
                f.stopStandby();
                MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
                long copiedBefore = v.counters().syncBytesCopied() + v.counters().syncBytesZeroed();
                // 40 writes of 4 KiB at distinct regions, 3 unaligned writes straddling a region boundary
                for (int i = 0; i < 40; i++) {
                    write(v, 3 * MIB + i * 192 * 1024L + 512, 4096, 100 + i);
                }
                for (int i = 0; i < 3; i++) {
                    write(v, 20 * MIB + i * MIB + REGION - 2048, 4096, 200 + i);
                }
                long expectedRegions = 40 + 3 * 2;
                assertEquals(expectedRegions * REGION, v.dirtyBytes());
                f.startStandby();
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                long resynced = v.counters().syncBytesCopied() + v.counters().syncBytesZeroed() - copiedBefore;
                assertEquals(expectedRegions * REGION, resynced, "only the dirty regions travel");
                assertEquals(ResyncDecision.Outcome.INCREMENTAL_TO_REPLICA, v.lastDecision().outcome(),
                        v.lastDecision().reason());
                assertEquals(0, v.dirtyBytes());
                f.assertIdentical(1, 0);
            }
        }
    }

    @Test
    void primaryRestart_bitmapSurvives_resyncIncremental_andIdentical() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 16 * MIB)) {
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                f.stopStandby();
                MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
                for (int i = 0; i < 10; i++) {
                    write(v, i * MIB, 8192, 300 + i);
                }
            }
            f.startStandby();
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                assertEquals(ResyncDecision.Outcome.INCREMENTAL_TO_REPLICA, v.lastDecision().outcome(),
                        v.lastDecision().reason());
                assertTrue(v.counters().syncBytesCopied() + v.counters().syncBytesZeroed() <= 10L * REGION,
                        "resynced " + v.counters());
                f.assertIdentical(1, 0);
            }
        }
    }

    @Test
    void interruptedResync_resumesWhereItStopped() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 64 * MIB)) {
            Throttles throttles = Throttles.unlimited();
            MirrorContext ctx = new MirrorContext(throttles, null);
            var p = f.cluster.primaries().get(0);
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(), ctx)) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                f.stopStandby();
                MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
                for (int i = 0; i < 32; i++) {
                    write(v, i * 2 * MIB, (int) MIB, 400 + i);
                }
                long dirty = v.dirtyBytes();
                assertEquals(32 * MIB, dirty);
                throttles.resync().setGlobalRate(8 * MIB); // slow enough to interrupt midway
                f.startStandby();
                Poll.until(Duration.ofSeconds(20),
                        () -> "resync under way: " + v.dirtyBytes(), () -> v.dirtyBytes() < dirty / 2 && v.dirtyBytes() > 0);
                f.stopStandby();
                MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
                long left = v.dirtyBytes();
                assertTrue(left > 0 && left < dirty, "part of the resync is kept: " + left);
                throttles.resync().setGlobalRate(0);
                f.startStandby();
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                // the plan of the resumed resync (the copy counter also counts a chunk the dying sync queued)
                long second = v.snapshot().resyncTotalBytes();
                assertTrue(second <= left, "the resumed resync copies only what was left: " + second + " > " + left);
                f.assertIdentical(1, 0);
            }
        }
    }

    @Test
    void splitBrain_bothSidesWrote_refused_alarmRaised_bothDataSetsKept() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 8 * MIB)) {
            AlarmRegistry alarms = new AlarmRegistry("p1", Clock.systemUTC());
            MirrorContext ctx = new MirrorContext(Throttles.unlimited(), alarms);
            var p = f.cluster.primaries().get(0);
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(), ctx)) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                f.stopStandby();
                MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
                write(v, 0, 4096, 7); // the primary writes on its own: a new generation
            }
            // the standby's copy changes on its own too (as if it had stood in): new generation, different bytes
            Path replica = f.replicaImage(1, 0);
            Path idFile = Replica.identityPath(f.cluster.standby(), "p1", "vol0");
            VolumeIdentity q = IdentityStore.load(idFile).orElseThrow();
            IdentityStore.save(idFile, q.startNewGeneration(new Random(1)));
            try (RandomAccessFile raf = new RandomAccessFile(replica.toFile(), "rw")) {
                raf.seek(MIB);
                raf.write(new byte[] {1, 2, 3, 4});
            }
            byte[] replicaBefore = Files.readAllBytes(replica);
            byte[] volumeBefore = Files.readAllBytes(f.volumeFile(1, 0));
            f.startStandby();
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(), ctx)) {
                Poll.until(Duration.ofSeconds(20), () -> "a decision", () -> v.lastDecision() != null);
                assertEquals(ResyncDecision.Outcome.SPLIT_BRAIN, v.lastDecision().outcome(), v.lastDecision().reason());
                assertTrue(alarms.isActive(AlarmKind.SPLIT_BRAIN, "p1/vol0"), alarms.active().toString());
                assertNotEquals(MirrorState.IN_SYNC, v.state());
                assertEquals(-1, java.util.Arrays.mismatch(replicaBefore, Files.readAllBytes(replica)), "replica untouched");
                assertEquals(-1, java.util.Arrays.mismatch(volumeBefore, Files.readAllBytes(f.volumeFile(1, 0))), "volume untouched");
            }
        }
    }

    @Test
    void replicaAtNewerEpoch_refusesTheOlderPrimary_fencedAlarm() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            AlarmRegistry alarms = new AlarmRegistry("p1", Clock.systemUTC());
            var p = f.cluster.primaries().get(0);
            MirrorContext ctx = new MirrorContext(Throttles.unlimited(), alarms);
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(), ctx)) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
            }
            f.stopStandby();
            Path idFile = Replica.identityPath(f.cluster.standby(), "p1", "vol0");
            IdentityStore.save(idFile, IdentityStore.load(idFile).orElseThrow().withEpoch(5));
            f.startStandby();
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(), ctx)) {
                Poll.until(Duration.ofSeconds(20),
                        () -> alarms.active().toString() + " " + v.linkSnapshot(), () -> alarms.isActive(AlarmKind.FENCED, "p1/vol0"));
                assertNotEquals(MirrorState.IN_SYNC, v.state());
            }
        }
    }

    @Test
    void raiseEpochOnALiveReplica_closesTheOlderPrimarysLink_andRefusesItsReconnects() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            AlarmRegistry alarms = new AlarmRegistry("p1", Clock.systemUTC());
            var p = f.cluster.primaries().get(0);
            MirrorContext ctx = new MirrorContext(Throttles.unlimited(), alarms);
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(), ctx)) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                f.server.store().replica("p1", "vol0").raiseEpoch(2); // the standby fences this primary
                Poll.until(Duration.ofSeconds(20),
                        () -> alarms.active().toString() + " " + v.linkSnapshot(), () -> alarms.isActive(AlarmKind.FENCED, "p1/vol0"));
                assertEquals(MirrorState.DEGRADED, v.state());
                write(v, 0, 4096, 5); // the primary keeps serving locally; the write stays dirty
                assertEquals(REGION, v.dirtyBytes());
            }
        }
    }

    @Test
    void newVolumeOnKnownReplica_unrelated_refused() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            var p = f.cluster.primaries().get(0);
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
            }
            // the primary's state directory is lost and rebuilt: a new volume id meets the old replica
            Files.delete(PrimaryIdentity.path(p.stateDir(), "vol0"));
            Files.delete(PrimaryIdentity.bitmapPath(p.stateDir(), "vol0"));
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                Poll.until(Duration.ofSeconds(20), () -> "a decision", () -> v.lastDecision() != null);
                assertEquals(ResyncDecision.Outcome.UNRELATED, v.lastDecision().outcome(), v.lastDecision().reason());
            }
        }
    }

    @Test
    void zeroWrites_andTrims_areTracked_likeWrites() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 8 * MIB)) {
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                write(v, 0, (int) (4 * MIB), 9);
                f.stopStandby();
                MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
                v.trim(MIB, REGION, false);
                v.writeZeroes(2 * MIB, 2 * REGION, false, false);
                assertEquals(3L * REGION, v.dirtyBytes());
                f.startStandby();
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                f.assertIdentical(1, 0);
                ByteBuffer b = ByteBuffer.allocate(8);
                v.read(MIB, b);
                assertEquals(0L, b.flip().getLong());
            }
        }
    }
}
