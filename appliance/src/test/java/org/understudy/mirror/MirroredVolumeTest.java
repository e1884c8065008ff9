package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.model.VolumeSnapshot;
import org.understudy.storage.FileBlockDevice;

class MirroredVolumeTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    /** Random writes, zeroing and flushes from many threads over a small hot region, so they overlap a lot. */
    private static Thread writer(MirroredVolume v, long seed, long region, AtomicBoolean stop, int maxOps,
                                 ConcurrentLinkedQueue<Throwable> errors, AtomicLong ops) {
        Thread t = new Thread(() -> {
            Random rnd = new Random(seed);
            try {
                for (int i = 0; i < maxOps && !stop.get(); i++) {
                    int kind = rnd.nextInt(20);
                    long off = (rnd.nextLong(region) / 512) * 512;
                    int len = (int) Math.min(region - off, 512L * (1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 512)));
                    if (kind == 0) {
                        v.flush();
                    } else if (kind == 1) {
                        v.writeZeroes(off, len, rnd.nextBoolean(), true);
                    } else if (kind == 2) {
                        v.trim(off, len, false);
                    } else {
                        v.write(off, MirrorFixture.pattern(len, seed * 1_000_003 + i), rnd.nextInt(10) == 0);
                    }
                    ops.incrementAndGet();
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        }, "test-writer-" + seed);
        t.start();
        return t;
    }

    @Test
    void concurrentOverlappingWritesAndFlushes_replicaEndsByteIdentical() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 16 * MIB);
             MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
            MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicLong ops = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                threads.add(writer(v, i + 1, 2 * MIB, new AtomicBoolean(), 400, errors, ops));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(errors.isEmpty(), "writes failed: " + errors);
            assertEquals(MirrorState.IN_SYNC, v.state());
            f.assertIdentical(1, 0);
            VolumeSnapshot s = v.snapshot();
            assertTrue(s.writesReplicated() > 1000, s.toString());
            assertTrue(s.writeLatency().count() >= ops.get(), s.toString());
            assertEquals(LinkState.UP, v.linkSnapshot().state());
            VolumeSnapshot standbySide = f.server.snapshots().get(0);
            assertEquals(MirrorState.IN_SYNC, standbySide.state(), standbySide.toString());
        }
    }

    @Test
    void initialSyncOfExistingData_whileClientsWrite_endsIdentical_andZeroRegionsSendNoPayload() throws Exception {
        long size = 32 * MIB;
        MirrorFixture f = new MirrorFixture(root, 1, size);
        long dataBytes = 0;
        try (FileBlockDevice pre = FileBlockDevice.open(f.volumeFile(1, 0), size, "pre")) {
            // data in the even MiBs of the first half, zeros (sparse) everywhere else
            for (long off = 0; off < size / 2; off += 2 * MIB) {
                pre.write(off, MirrorFixture.pattern((int) MIB, off), false);
                dataBytes += MIB;
            }
        }
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong ops = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        try (f; MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions().withSync(256 * 1024, 4))) {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // clients write over the first quarter (data and zero MiBs); the second half stays all zeros
                threads.add(writer(v, 100 + i, size / 4, stop, Integer.MAX_VALUE, errors, ops));
            }
            MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(30));
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(errors.isEmpty(), "writes failed: " + errors);
            f.assertIdentical(1, 0);
            MirrorCounters c = v.counters();
            assertEquals(1, c.syncsCompleted());
            assertTrue(c.syncBytesSkipped() >= size / 2, "zero chunks skipped on a fresh replica: " + c);
            assertTrue(c.syncBytesCopied() <= size / 2, "only chunks with data were copied: " + c);
            assertTrue(c.syncBytesCopied() >= dataBytes / 2, c.toString());
            assertEquals(100.0, v.snapshot().syncPercent());
        }
    }

    @Test
    void standbyStoppedDuringWrites_noWriteFails_volumeDegrades_thenResyncsWhenStandbyReturns() throws Exception {
        long size = 16 * MIB;
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong ops = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        try (MirrorFixture f = new MirrorFixture(root, 1, size);
             MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
            MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
            assertTrue(v.writesTravel(), "with the link up a write also goes to the standby");
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                threads.add(writer(v, 200 + i, size, stop, Integer.MAX_VALUE, errors, ops));
            }
            long before = ops.get();
            org.understudy.e2e.Poll.until(Duration.ofSeconds(10), "writes", () -> ops.get() > before + 200);
            f.stopStandby();
            MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
            long degraded = ops.get();
            org.understudy.e2e.Poll.until(Duration.ofSeconds(10), () -> "writes continue while degraded: " + ops.get(),
                    () -> ops.get() > degraded + 500);
            assertTrue(v.linkSnapshot().state() != LinkState.UP, v.linkSnapshot().toString()); // DOWN or retrying
            assertFalse(v.writesTravel(), "degraded, a write stays local: " + v.linkSnapshot());
            f.startStandby();
            MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(30));
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(errors.isEmpty(), "no write may fail because the standby went away: " + errors);
            f.assertIdentical(1, 0);
            MirrorCounters c = v.counters();
            assertEquals(2, c.syncsCompleted(), c.toString());
            assertTrue(c.syncBytesZeroed() > 0 || c.syncBytesCopied() >= size / 2,
                    "the second sync goes to a non-fresh replica: zero chunks travel as ZERO frames: " + c);
        }
    }

    @Test
    void standbyNeverReachable_writesCompleteLocally_andVolumeIsDegraded() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            f.stopStandby();
            try (MirroredVolume v = f.open(1, 0, MirrorFixture.fastOptions())) {
                MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
                v.write(0, ByteBuffer.wrap(new byte[4096]), true);
                v.flush();
                assertTrue(v.linkSnapshot().state() != LinkState.UP, v.linkSnapshot().toString());
                assertEquals(0, v.snapshot().writesReplicated());
            }
        }
    }

    @Test
    void severalPrimariesAndVolumesAtOnce_allEndIdentical_andTheStandbyListsEveryReplica() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 2, 4 * MIB, 8 * MIB)) {
            List<MirroredVolume> vols = new ArrayList<>();
            try {
                for (int p = 1; p <= 2; p++) {
                    for (int v = 0; v < 2; v++) {
                        vols.add(f.open(p, v, MirrorFixture.fastOptions()));
                    }
                }
                ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
                AtomicLong ops = new AtomicLong();
                List<Thread> threads = new ArrayList<>();
                int seed = 300;
                for (MirroredVolume v : vols) {
                    for (int i = 0; i < 3; i++) {
                        threads.add(writer(v, seed++, v.size(), new AtomicBoolean(), 150, errors, ops));
                    }
                }
                for (Thread t : threads) {
                    t.join();
                }
                assertTrue(errors.isEmpty(), "writes failed: " + errors);
                for (MirroredVolume v : vols) {
                    MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                }
                for (int p = 1; p <= 2; p++) {
                    for (int v = 0; v < 2; v++) {
                        f.assertIdentical(p, v);
                    }
                }
                assertEquals(4, f.server.snapshots().size());
                assertEquals(4, f.server.links().size());
                assertTrue(f.server.snapshots().stream().allMatch(s -> s.state() == MirrorState.IN_SYNC),
                        f.server.snapshots().toString());
            } finally {
                for (MirroredVolume v : vols) {
                    v.close();
                }
            }
            // the standby keeps what it learnt: after a restart every replica is consistent, just not connected
            f.stopStandby();
            f.startStandby();
            assertTrue(f.server.snapshots().stream().allMatch(s -> s.state() == MirrorState.DEGRADED),
                    f.server.snapshots().toString());
        }
    }
}
