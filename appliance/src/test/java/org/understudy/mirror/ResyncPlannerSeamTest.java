package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.model.MirrorState;
import org.understudy.storage.FileBlockDevice;
import org.understudy.e2e.Poll;

/** The seam the dirty-region bitmap will use: told about unreplicated writes, asked what to copy on connect. */
class ResyncPlannerSeamTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    private static final class Recording implements ResyncPlanner {
        final List<Extent> unreplicated = new CopyOnWriteArrayList<>();
        final List<Boolean> planned = new CopyOnWriteArrayList<>();
        final List<List<Extent>> completed = new CopyOnWriteArrayList<>();

        @Override
        public void markUnreplicated(long offset, long length) {
            unreplicated.add(new Extent(offset, length));
        }

        @Override
        public List<Extent> plan(long volumeSize, boolean replicaConsistent) {
            planned.add(replicaConsistent);
            return List.of(new Extent(0, volumeSize));
        }

        @Override
        public void completed(List<Extent> copied) {
            completed.add(copied);
        }
    }

    @Test
    void writesWhileDegraded_areReportedToThePlanner_andEachConnectAsksItForAPlan() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            Recording planner = new Recording();
            var p = f.cluster.primaries().get(0);
            var vol = p.volumes().get(0);
            try (MirroredVolume v = MirroredVolume.wrap(f.cluster, p, vol,
                    FileBlockDevice.open(vol.file(), vol.size(), "p1/vol0"), MirrorFixture.fastOptions(), planner)) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                assertEquals(List.of(false), planner.planned, "a new replica is not consistent");
                assertEquals(1, planner.completed.size());
                v.write(0, ByteBuffer.wrap(new byte[4096]), false);
                assertTrue(planner.unreplicated.isEmpty(), "an acknowledged write is not dirty");
                f.stopStandby();
                MirrorFixture.awaitState(v, MirrorState.DEGRADED, Duration.ofSeconds(10));
                v.write(MIB, ByteBuffer.wrap(new byte[8192]), false);
                v.trim(2 * MIB, 4096, false);
                assertTrue(planner.unreplicated.contains(new ResyncPlanner.Extent(MIB, 8192)), planner.unreplicated.toString());
                assertTrue(planner.unreplicated.contains(new ResyncPlanner.Extent(2 * MIB, 4096)), planner.unreplicated.toString());
                f.startStandby();
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                Poll.until(Duration.ofSeconds(5), () -> String.valueOf(planner.completed), () -> planner.completed.size() == 2);
                assertEquals(List.of(false, true), planner.planned, "the second connect finds a consistent replica");
                f.assertIdentical(1, 0);
            }
        }
    }
}
