package org.understudy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.resync.ByteRange;
import org.understudy.resync.Generation;
import org.understudy.resync.VolumeIdentity;
import org.understudy.testing.TestCluster;

/** The replica's record of what it changed while standing in, across takeovers, restarts and a completed failback. */
class StandInBitmapTest {
    private static final long SIZE = 8L << 20;
    private static final int REGION = 64 * 1024;

    @TempDir
    Path root;

    private Replica inStep(ReplicaStore store, ClusterConfig cluster) throws Exception {
        PrimaryConfig p = cluster.primaries().get(0);
        Replica r = store.replica(p.name(), p.volumes().get(0).name());
        r.beginSync();
        r.endSync(VolumeIdentity.newVolume(new Random(7)));
        return r;
    }

    private Path bitmapFile(Replica r) {
        return r.image().resolveSibling(r.volume().name() + ".standin.bitmap");
    }

    @Test
    void standIn_recordsWrites_survivesRestart_andAccumulatesOverASecondTakeover() throws Exception {
        ClusterConfig cluster = TestCluster.of(root, 0, 1, SIZE);
        try (ReplicaStore store = ReplicaStore.open(cluster, Clock.systemUTC())) {
            Replica r = inStep(store, cluster);
            Generation shared = r.identity().current();
            try (StandInBitmap b = r.beginStandIn(new Random(1))) {
                assertEquals(shared, r.identity().bitmapBase(), "counts from the generation the primary holds");
                assertTrue(b.info().usable());
                assertEquals(List.of(), b.ranges());
                b.markBeforeWrite(REGION + 10, 100);
                b.markBeforeWrite(5 * REGION, 2 * REGION);
            }
            try (StandInBitmap b = r.resumeStandIn()) {
                assertEquals(List.of(new ByteRange(REGION, REGION), new ByteRange(5 * REGION, 2 * REGION)), b.ranges());
                assertEquals(3, b.info().dirtyRegions());
            }
            // a second takeover before any failback keeps the same base and keeps counting
            try (StandInBitmap b = r.beginStandIn(new Random(2))) {
                assertEquals(shared, r.identity().bitmapBase());
                assertEquals(3, b.info().dirtyRegions());
                b.markBeforeWrite(0, 1);
                assertEquals(4, b.info().dirtyRegions());
            }
        }
    }

    @Test
    void lostBitmap_isUnusable_soTheFailbackCopiesEverything() throws Exception {
        ClusterConfig cluster = TestCluster.of(root, 0, 1, SIZE);
        try (ReplicaStore store = ReplicaStore.open(cluster, Clock.systemUTC())) {
            Replica r = inStep(store, cluster);
            r.beginStandIn(new Random(1)).close();
            Files.write(bitmapFile(r), new byte[] {1, 2, 3});
            try (StandInBitmap b = r.resumeStandIn()) {
                assertFalse(b.info().usable());
                assertEquals(List.of(new ByteRange(0, SIZE)), ByteRange.union(b.ranges()));
            }
        }
    }

    @Test
    void failbackCompleted_stopsCountingFromABase_andDropsTheBitmap() throws Exception {
        ClusterConfig cluster = TestCluster.of(root, 0, 1, SIZE);
        try (ReplicaStore store = ReplicaStore.open(cluster, Clock.systemUTC())) {
            Replica r = inStep(store, cluster);
            try (StandInBitmap b = r.beginStandIn(new Random(1))) {
                b.markBeforeWrite(0, REGION);
            }
            Generation standIn = r.identity().current();
            r.failbackCompleted();
            assertTrue(r.identity().bitmapBase().isNone());
            assertEquals(standIn, r.identity().current());
            assertFalse(Files.exists(bitmapFile(r)));
            // the next takeover starts a clean bitmap from the generation both now hold
            try (StandInBitmap b = r.beginStandIn(new Random(3))) {
                assertEquals(standIn, r.identity().bitmapBase());
                assertEquals(0, b.info().dirtyRegions());
            }
        }
    }
}
