package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.ByteRange;
import org.understudy.resync.DirtyBitmap;
import org.understudy.resync.ResyncDecision.Outcome;
import org.understudy.resync.VolumeIdentity;
import org.understudy.storage.FileBlockDevice;

/** A fenced primary volume as the target of a failback: what it copies, and how its identity moves. */
class FailbackTargetTest {
    private static final long SIZE = 4L << 20;
    private static final int REGION = 64 * 1024;

    @TempDir
    Path dir;

    private final AtomicBoolean linked = new AtomicBoolean();

    private record Parts(FailbackTarget target, PrimaryIdentity identity, BitmapPlanner planner,
                         FileBlockDevice local) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            planner.bitmap().close();
            local.close();
        }
    }

    private Parts open(boolean bitmapUsable) throws Exception {
        PrimaryIdentity id = PrimaryIdentity.open("p1/vol0", dir.resolve("vol0.identity"), new Random(3));
        BitmapPlanner planner = new BitmapPlanner("p1/vol0", DirtyBitmap.create("p1/vol0", dir.resolve("vol0.bitmap"),
                SIZE, REGION, DirtyBitmap.DEFAULT_EXTENT_SIZE, false, System::nanoTime), bitmapUsable);
        FileBlockDevice local = FileBlockDevice.open(dir.resolve("vol0.img"), SIZE, "p1/vol0");
        return new Parts(new FailbackTarget("p1/vol0", SIZE, id, planner, local, linked::get), id, planner, local);
    }

    /** The replica after a takeover: it held the primary's generation, then started its own. */
    private static VolumeIdentity standIn(VolumeIdentity primary) {
        return VolumeIdentity.fresh().completeResyncFrom(primary).startNewGeneration(new Random(9));
    }

    @Test
    void incremental_copiesTheUnionOfTheStandInsWritesAndThePrimarysWritesInFlight() throws Exception {
        try (Parts p = open(true)) {
            // the primary died with a write in flight at region 10: its bitmap holds it, the replica may not
            p.planner().beforeWrite(10L * REGION + 100, 10);
            FailbackTarget.Plan plan = p.target().plan(standIn(p.identity().get()), BitmapInfo.of(2),
                    List.of(new ByteRange(0, 2 * REGION)));
            assertEquals(Outcome.INCREMENTAL_TO_PRIMARY, plan.decision().outcome(), plan.decision().reason());
            assertEquals(List.of(new ByteRange(0, 2 * REGION), new ByteRange(10L * REGION, REGION)), plan.ranges());
            assertEquals(3L * REGION, plan.bytes());
        }
    }

    @Test
    void primaryBitmapLost_copiesEverything() throws Exception {
        try (Parts p = open(false)) {
            FailbackTarget.Plan plan = p.target().plan(standIn(p.identity().get()), BitmapInfo.of(2),
                    List.of(new ByteRange(0, 2 * REGION)));
            assertEquals(Outcome.FULL_TO_PRIMARY, plan.decision().outcome());
            assertEquals(List.of(new ByteRange(0, SIZE)), plan.ranges());
        }
    }

    @Test
    void primaryWroteAloneAfterTheTakeover_splitBrain_refused() throws Exception {
        try (Parts p = open(true)) {
            VolumeIdentity replica = standIn(p.identity().get());
            p.identity().divergeIfNeeded(); // the primary wrote without the standby as well
            FailbackTarget.Plan plan = p.target().plan(replica, BitmapInfo.of(2), List.of(new ByteRange(0, REGION)));
            assertTrue(plan.refused());
            assertEquals(Outcome.SPLIT_BRAIN, plan.decision().outcome());
            assertEquals(List.of(), plan.ranges());
        }
    }

    @Test
    void copy_marksInconsistentFirst_interruptedCopyIsFinishedIncrementally_thenAdoptsTheReplicasIdentity()
            throws Exception {
        try (Parts p = open(true)) {
            VolumeIdentity replica = standIn(p.identity().get());
            p.target().begin();
            assertTrue(p.target().inProgress());
            assertFalse(p.identity().get().consistent(), "inconsistent, durably, before the first byte");
            assertFalse(PrimaryIdentity.open("again", dir.resolve("vol0.identity"), new Random(4)).get().consistent());
            p.target().write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            // interrupted here: the next attempt finishes it from both bitmaps
            FailbackTarget.Plan again = p.target().plan(replica, BitmapInfo.of(1), List.of(new ByteRange(0, REGION)));
            assertEquals("R17", again.decision().rule());
            p.planner().beforeWrite(REGION, 10);
            p.target().adopt(replica);
            assertFalse(p.target().inProgress());
            assertEquals(replica.current(), p.identity().get().current());
            assertTrue(p.identity().get().consistent());
            assertEquals(0, p.planner().bitmap().dirtyRegionCount(), "the bitmap owes the replica nothing");
        }
    }

    @Test
    void linkedVolume_isNeverATarget() throws Exception {
        try (Parts p = open(true)) {
            linked.set(true);
            assertThrows(IllegalStateException.class, () -> p.target().begin());
            assertThrows(IllegalStateException.class, () -> p.target().write(0, ByteBuffer.allocate(1)));
        }
    }
}
