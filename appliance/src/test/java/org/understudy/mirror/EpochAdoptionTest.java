package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.e2e.Poll;
import org.understudy.model.MirrorState;
import org.understudy.resync.IdentityStore;
import org.understudy.resync.Throttles;

/** The way back from a fence: the primary takes the standby's epoch into its volume identity, then links again. */
class EpochAdoptionTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void fenceCleared_primaryRefusedUntilItAdoptsTheEpoch_thenInSync_andTheEpochIsDurable() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            var p = f.cluster.primaries().get(0);
            MirrorContext ctx = new MirrorContext(Throttles.unlimited(), new AlarmRegistry("p1", Clock.systemUTC()));
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(),
                    ctx)) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
            }
            long epoch = f.server.fence("p1", "taken over", 2000);
            f.server.fences().clear("p1", "operator"); // by name the primary is welcome again; by identity not yet
            List<String> refusals = new CopyOnWriteArrayList<>();
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(),
                    ctx)) {
                v.onRefused(refusals::add);
                Poll.until(Duration.ofSeconds(20), () -> "a refusal, got " + v.linkSnapshot(),
                        () -> !refusals.isEmpty());
                assertTrue(refusals.get(0).contains("primary epoch 0 is older than the replica's epoch " + epoch),
                        refusals.get(0));
                assertEquals(0, v.epoch());

                assertEquals(epoch, v.adoptEpoch(f.server.epoch("p1")));
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                assertEquals(epoch, v.adoptEpoch(epoch - 1), "never lowered");
            }
            assertEquals(epoch, IdentityStore.load(PrimaryIdentity.path(p.stateDir(), "vol0")).orElseThrow().epoch(),
                    "saved in the primary's identity file");
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(),
                    ctx)) {
                assertEquals(epoch, v.epoch());
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
            }
        }
    }
}
