package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.understudy.mirror.LinkScenario.HEADER;
import static org.understudy.mirror.LinkScenario.REGION;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.MirrorMode;
import org.understudy.e2e.Poll;
import org.understudy.mirror.LinkScenario.Ack;
import org.understudy.mirror.LinkScenario.Wire;
import org.understudy.mirror.LinkScenario.Write;
import org.understudy.model.MirrorState;
import org.understudy.resync.ResyncDecision;
import org.understudy.transport.FaultyStreamTransport.Direction;

/**
 * Deterministic scenarios of the replication link between a primary volume and its standby, with a fault switch and
 * a fake clock (see {@link LinkScenario}), each run over in-memory streams (no sockets) and again over TCP on
 * loopback: the fault strikes at a byte the test chooses, the ACK timeout passes when the test moves time, and
 * reconnects happen when the test asks. Every scenario checks, at
 * the fault and after the link is back, that the replica holds every acknowledged write and that the primary's dirty
 * bitmap holds everything else; each guards the rule that a region is cleared only once the standby confirmed it.
 */
class LinkScenarioTest {
    private static final long SIZE = 4L << 20;
    private static final int WRITE = 16 * 1024;

    @TempDir
    Path root;

    /** The link back, an incremental resync of exactly what was dirty, then nothing dirty and identical copies. */
    private static void healAndResync(LinkScenario s) throws Exception {
        s.faults.heal();
        s.reconnect();
        s.awaitInSync();
        assertEquals(ResyncDecision.Outcome.INCREMENTAL_TO_REPLICA, s.volume.lastDecision().outcome(),
                s.volume.lastDecision().reason());
        s.checkInvariant();
        s.assertIdentical();
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(Wire.class)
    void syncMode_linkCutInTheMiddleOfAWrite_ackedWritesOnTheReplica_theRestDirty(Wire wire) throws Exception {
        try (LinkScenario s = new LinkScenario(root, wire, MirrorMode.SYNC, SIZE)) {
            s.inSyncWithAckedWrites(4, WRITE);
            s.faults.cutAfter(Direction.OUTBOUND, HEADER + 1000); // 1000 bytes into the next write's payload
            var cutShort = s.writeInBackground(16L * REGION, WRITE, 10);
            s.awaitCutThenDegrade();
            assertEquals(Ack.NOT_ACKED, cutShort.get(10, TimeUnit.SECONDS).ack);
            assertEquals(Ack.NOT_ACKED, s.write(20L * REGION, 4096, 11).ack); // while degraded: local only
            s.checkAtTheFault(2);
            healAndResync(s);
        }
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(Wire.class)
    void asyncMode_linkCutInTheMiddleOfAWrite_ackedWritesOnTheReplica_theRestDirty(Wire wire) throws Exception {
        try (LinkScenario s = new LinkScenario(root, wire, MirrorMode.ASYNC, SIZE)) {
            s.inSyncWithAckedWrites(4, WRITE);
            // from here no ACK comes back; the first write goes out whole, the second is cut 1000 bytes in
            s.faults.stall(Direction.INBOUND, true).cutAfter(Direction.OUTBOUND, 2L * HEADER + WRITE + 1000);
            var writer = s.writeInBackground(16L * REGION, WRITE, 10)
                    .thenCompose(w -> s.writeInBackground(20L * REGION, WRITE, 11));
            s.awaitCutThenDegrade();
            writer.get(10, TimeUnit.SECONDS);
            s.write(24L * REGION, WRITE, 12); // after the link died: local only
            s.assertNoMoreAcks();
            s.checkAtTheFault(3);
            healAndResync(s);
        }
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(Wire.class)
    void stalledAckDirection_writeReachesTheReplica_butStaysDirtyUntilTheResync(Wire wire) throws Exception {
        try (LinkScenario s = new LinkScenario(root, wire, MirrorMode.SYNC, SIZE)) {
            s.inSyncWithAckedWrites(3, WRITE);
            s.faults.stall(Direction.INBOUND, true);
            var held = s.writeInBackground(16L * REGION, WRITE, 10);
            byte[] expected = LinkScenario.data(WRITE, 10);
            Poll.until(Duration.ofSeconds(10), "the standby applied the write", () -> Arrays.equals(expected, 0,
                    WRITE, s.replica(), 16 * REGION, 16 * REGION + WRITE));
            s.advanceUntilDegraded();
            assertTrue(s.volume.linkSnapshot().detail().contains("no ACK"), s.volume.linkSnapshot().toString());
            Write w = held.get(10, TimeUnit.SECONDS);
            assertEquals(Ack.NOT_ACKED, w.ack);
            s.checkAtTheFault(1); // the replica holds it, yet unconfirmed it must stay dirty
            healAndResync(s);
        }
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(Wire.class)
    void corruptedFrame_standbyRefusesIt_neverApplied_writeStaysDirty(Wire wire) throws Exception {
        try (LinkScenario s = new LinkScenario(root, wire, MirrorMode.SYNC, SIZE)) {
            s.inSyncWithAckedWrites(2, WRITE);
            s.faults.corrupt(Direction.OUTBOUND, HEADER + 100); // one payload byte of the next frame
            Write w = s.write(16L * REGION, WRITE, 10); // no clock moves: the standby's ERROR ends the link
            assertEquals(Ack.NOT_ACKED, w.ack);
            assertEquals(MirrorState.DEGRADED, s.volume.state());
            assertTrue(s.volume.linkSnapshot().detail().contains("CRC32C mismatch"), s.volume.linkSnapshot().toString());
            assertArrayEquals(new byte[WRITE], Arrays.copyOfRange(s.replica(), 16 * REGION, 16 * REGION + WRITE),
                    "the corrupted frame never reached the replica");
            s.checkAtTheFault(1);
            healAndResync(s);
        }
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(Wire.class)
    void corruptedAck_primaryDropsTheLink_appliedWriteStaysDirty(Wire wire) throws Exception {
        try (LinkScenario s = new LinkScenario(root, wire, MirrorMode.SYNC, SIZE)) {
            s.inSyncWithAckedWrites(1, WRITE);
            s.faults.corrupt(Direction.INBOUND, 10); // inside the header of the next ACK
            Write w = s.write(16L * REGION, WRITE, 10);
            assertEquals(Ack.NOT_ACKED, w.ack);
            assertEquals(MirrorState.DEGRADED, s.volume.state());
            s.checkAtTheFault(1);
            healAndResync(s);
        }
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(Wire.class)
    void linkClosedMidFrameDuringAResync_confirmedPartKept_reconnectResumesWithTheRest(Wire wire) throws Exception {
        try (LinkScenario s = new LinkScenario(root, wire, MirrorMode.SYNC, SIZE)) {
            s.awaitInSync();
            s.faults.cut();
            var first = s.writeInBackground(0, REGION, 0);
            s.advanceUntilDegraded();
            assertEquals(Ack.NOT_ACKED, first.get(10, TimeUnit.SECONDS).ack);
            for (int i = 1; i < 32; i++) {
                assertEquals(Ack.NOT_ACKED, s.write(i * (long) REGION, REGION, i).ack);
            }
            long dirty = s.volume.dirtyBytes();
            assertEquals(32L * REGION, dirty);
            s.checkInvariant();

            // the resync sends 32 chunks of one region, two in flight; the link closes in the middle of the 17th
            s.faults.heal().closeAfter(Direction.OUTBOUND, 16L * (HEADER + REGION) + 20_000);
            s.reconnect();
            Poll.until(Duration.ofSeconds(20), () -> "the close: " + s.volume.linkSnapshot(),
                    () -> !s.faults.armed(Direction.OUTBOUND) && s.volume.state() == MirrorState.DEGRADED);
            long left = s.volume.dirtyBytes();
            assertTrue(left > 0 && left < dirty, "the chunks confirmed before the close are clean: " + left);
            s.checkInvariant();

            s.reconnect();
            s.awaitInSync();
            long resumed = s.volume.snapshot().resyncTotalBytes();
            assertTrue(resumed > 0 && resumed <= left, "the resumed resync copies only what was left: " + resumed
                    + " of " + left);
            s.checkInvariant();
            s.assertIdentical();
        }
    }
}
