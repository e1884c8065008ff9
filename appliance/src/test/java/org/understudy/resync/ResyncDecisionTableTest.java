package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.understudy.resync.ResyncDecision.Outcome.FULL_TO_PRIMARY;
import static org.understudy.resync.ResyncDecision.Outcome.FULL_TO_REPLICA;
import static org.understudy.resync.ResyncDecision.Outcome.INCREMENTAL_TO_PRIMARY;
import static org.understudy.resync.ResyncDecision.Outcome.INCREMENTAL_TO_REPLICA;
import static org.understudy.resync.ResyncDecision.Outcome.IN_SYNC;
import static org.understudy.resync.ResyncDecision.Outcome.NO_CONSISTENT_DATA;
import static org.understudy.resync.ResyncDecision.Outcome.SPLIT_BRAIN;
import static org.understudy.resync.ResyncDecision.Outcome.UNRELATED;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.understudy.resync.ResyncDecision.Outcome;

/** One test per row of {@link ResyncDecisionTable}, then the edge cases and whole lifecycles. */
class ResyncDecisionTableTest {

    static final UUID VOL = new UUID(1, 1);
    static final Set<String> ROWS_HIT = new HashSet<>();

    static Generation g(long id) {
        return new Generation(id);
    }

    static VolumeIdentity id(long cur, long base, boolean consistent, long... hist) {
        List<Generation> h = java.util.Arrays.stream(hist).mapToObj(Generation::new).toList();
        return new VolumeIdentity(VOL, g(cur), g(base), h, consistent, 0);
    }

    static VolumeIdentity fresh() {
        return VolumeIdentity.fresh();
    }

    static ResyncDecision check(String row, Outcome expected, VolumeIdentity p, VolumeIdentity q, BitmapInfo pb,
                                BitmapInfo qb) {
        ResyncDecision d = ResyncDecisionTable.decide("t/vol0", p, q, pb, qb);
        assertEquals(expected, d.outcome(), d.rule() + ": " + d.reason());
        assertEquals(row, d.rule(), d.reason());
        ROWS_HIT.add(d.rule());
        return d;
    }

    static final BitmapInfo CLEAN = BitmapInfo.of(0);
    static final BitmapInfo NONE = BitmapInfo.NONE;

    @Test
    void r1_bothFresh_fullToReplica() {
        check("R1", FULL_TO_REPLICA, fresh(), fresh(), NONE, NONE);
    }

    @Test
    void r2_differentVolumeIds_unrelated() {
        VolumeIdentity other = new VolumeIdentity(new UUID(2, 2), g(5), g(0), List.of(), true, 0);
        ResyncDecision d = check("R2", UNRELATED, id(5, 0, true), other, CLEAN, CLEAN);
        assertTrue(d.outcome().refuses());
        assertTrue(d.reason().contains(VOL.toString()), "reason carries the numbers: " + d.reason());
    }

    @Test
    void r3_replicaFresh_primaryInconsistent_refused() {
        check("R3", NO_CONSISTENT_DATA, id(5, 0, false), fresh(), CLEAN, NONE);
    }

    @Test
    void r4_replicaFresh_fullToReplica() {
        check("R4", FULL_TO_REPLICA, id(5, 0, true), fresh(), CLEAN, NONE);
    }

    @Test
    void r5_primaryFresh_replicaHoldsData_fullToPrimary() {
        check("R5", FULL_TO_PRIMARY, fresh(), id(5, 0, true), NONE, CLEAN);
    }

    @Test
    void r6_primaryFresh_replicaInconsistent_refused() {
        check("R6", NO_CONSISTENT_DATA, fresh(), id(5, 0, false), NONE, CLEAN);
    }

    @Test
    void r7_bothInconsistent_refused() {
        check("R7", NO_CONSISTENT_DATA, id(5, 0, false), id(5, 0, false), CLEAN, CLEAN);
    }

    @Test
    void r8_sameGeneration_replicaInconsistent_finishFromBitmap() {
        check("R8", INCREMENTAL_TO_REPLICA, id(5, 0, true), id(5, 0, false), BitmapInfo.of(7), NONE);
    }

    @Test
    void r9_sameGeneration_replicaInconsistent_noBitmap_full() {
        check("R9", FULL_TO_REPLICA, id(5, 0, true), id(5, 0, false), NONE, NONE);
    }

    @Test
    void r10_sameGeneration_primaryInconsistent_finishFromReplicaBitmap() {
        check("R10", INCREMENTAL_TO_PRIMARY, id(5, 0, false), id(5, 0, true), NONE, BitmapInfo.of(3));
    }

    @Test
    void r11_sameGeneration_primaryInconsistent_noBitmap_fullBack() {
        check("R11", FULL_TO_PRIMARY, id(5, 0, false), id(5, 0, true), CLEAN, NONE);
    }

    @Test
    void r12_sameGeneration_primaryBitmapLost_full() {
        check("R12", FULL_TO_REPLICA, id(5, 0, true), id(5, 0, true), NONE, NONE);
    }

    @Test
    void r13_sameGeneration_regionsInFlight_incremental() {
        check("R13", INCREMENTAL_TO_REPLICA, id(5, 0, true), id(5, 0, true), BitmapInfo.of(2), NONE);
        check("R13", INCREMENTAL_TO_REPLICA, id(5, 0, true), id(5, 0, true), CLEAN, BitmapInfo.of(1));
    }

    @Test
    void r14_sameGeneration_clean_inSync() {
        check("R14", IN_SYNC, id(5, 0, true), id(5, 0, true), CLEAN, NONE);
    }

    @Test
    void r15_replicaInconsistentMidResync_atBitmapBase_mustFinishIncrementally() {
        // primary diverged from 5 to 6; a resync to the replica began (inconsistent) and was interrupted
        check("R15", INCREMENTAL_TO_REPLICA, id(6, 5, true, 5), id(5, 0, false), BitmapInfo.of(40), NONE);
    }

    @Test
    void r16_replicaInconsistent_notCovered_full() {
        check("R16", FULL_TO_REPLICA, id(6, 5, true, 5), id(9, 0, false), BitmapInfo.of(40), NONE);
        // an inconsistent replica never counts as "in sync" or as a split-brain side: it is finished, fully
        check("R16", FULL_TO_REPLICA, id(6, 5, true, 5), id(5, 0, false, 4), NONE, NONE);
    }

    @Test
    void r17_primaryInconsistentMidFailback_atReplicaBase_incrementalBack() {
        check("R17", INCREMENTAL_TO_PRIMARY, id(5, 0, false), id(6, 5, true, 5), CLEAN, BitmapInfo.of(9));
    }

    @Test
    void r18_primaryInconsistentMidFailback_primaryBitmapLost_fullBack() {
        // the primary's bitmap holds the writes it had in flight when it died; without it the union is unknown
        check("R18", FULL_TO_PRIMARY, id(5, 0, false), id(6, 5, true, 5), NONE, BitmapInfo.of(9));
    }

    @Test
    void r18_primaryInconsistent_notCovered_fullBack() {
        check("R18", FULL_TO_PRIMARY, id(4, 0, false), id(6, 5, true, 5), NONE, BitmapInfo.of(9));
    }

    @Test
    void r19_primaryNewer_replicaIsBitmapBase_incrementalToReplica() {
        check("R19", INCREMENTAL_TO_REPLICA, id(6, 5, true, 5), id(5, 0, true), BitmapInfo.of(12), NONE);
    }

    @Test
    void r19_historyMatchDeeperThanOneStep_bitmapStillCovers() {
        // primary wrote while disconnected twice (restart in between): 5 -> 6 -> 7, base stays 5
        check("R19", INCREMENTAL_TO_REPLICA, id(7, 5, true, 6, 5), id(5, 0, true), BitmapInfo.of(12), NONE);
    }

    @Test
    void r20_replicaOlderAncestorThanBitmapBase_full() {
        // history 6,5,4: replica at 4 is an ancestor, but the bitmap counts from 5 only
        check("R20", FULL_TO_REPLICA, id(7, 5, true, 6, 5, 4), id(4, 0, true), BitmapInfo.of(12), NONE);
        // base matches but the bitmap is unusable
        check("R20", FULL_TO_REPLICA, id(6, 5, true, 5), id(5, 0, true), NONE, NONE);
    }

    @Test
    void r21_replicaNewerAfterStandIn_incrementalFailback() {
        check("R21", INCREMENTAL_TO_PRIMARY, id(5, 0, true), id(6, 5, true, 5), BitmapInfo.of(1), BitmapInfo.of(30));
    }

    @Test
    void r22_replicaNewer_bitmapDoesNotReachBack_fullBack() {
        check("R22", FULL_TO_PRIMARY, id(4, 0, true), id(7, 5, true, 6, 5, 4), CLEAN, BitmapInfo.of(30));
        check("R22", FULL_TO_PRIMARY, id(5, 0, true), id(6, 5, true, 5), CLEAN, NONE);
        check("R22", FULL_TO_PRIMARY, id(5, 0, true), id(6, 5, true, 5), NONE, BitmapInfo.of(30));
    }

    @Test
    void r23_bothWroteAfterDiverging_splitBrain() {
        ResyncDecision d = check("R23", SPLIT_BRAIN, id(6, 5, true, 5), id(7, 5, true, 5), BitmapInfo.of(3),
                BitmapInfo.of(4));
        assertTrue(d.outcome().refuses());
        // same volume, no common history at all: also refused, never resynced
        check("R23", SPLIT_BRAIN, id(8, 0, true), id(9, 0, true), CLEAN, CLEAN);
    }

    @Test
    void lifecycle_disconnectPrimaryWrites_reconnectIncremental_thenInSync() {
        Random rnd = new Random(1);
        VolumeIdentity p = VolumeIdentity.newVolume(rnd);
        VolumeIdentity q = VolumeIdentity.fresh();
        assertEquals(FULL_TO_REPLICA, ResyncDecisionTable.decide("t", p, q, CLEAN, NONE).outcome());
        q = q.beginResyncAsTarget().completeResyncFrom(p);
        assertEquals(IN_SYNC, ResyncDecisionTable.decide("t", p, q, CLEAN, NONE).outcome());

        p = p.startNewGeneration(rnd); // link down, primary keeps writing
        assertEquals(INCREMENTAL_TO_REPLICA, ResyncDecisionTable.decide("t", p, q, BitmapInfo.of(5), NONE).outcome());
        q = q.beginResyncAsTarget(); // resync interrupted half-way
        assertEquals(INCREMENTAL_TO_REPLICA, ResyncDecisionTable.decide("t", p, q, BitmapInfo.of(2), NONE).outcome());
        q = q.completeResyncFrom(p);
        // replica saved first; primary crashed before clearing its base: still in sync
        assertEquals(IN_SYNC, ResyncDecisionTable.decide("t", p, q, CLEAN, NONE).outcome());
        p = p.completeResyncAsSource();
        assertEquals(IN_SYNC, ResyncDecisionTable.decide("t", p, q, CLEAN, NONE).outcome());
    }

    @Test
    void lifecycle_takeoverThenFailback_incrementalToPrimary_orSplitBrainIfPrimaryAlsoWrote() {
        Random rnd = new Random(2);
        VolumeIdentity p = VolumeIdentity.newVolume(rnd);
        VolumeIdentity q = VolumeIdentity.fresh().completeResyncFrom(p);
        VolumeIdentity standIn = q.startNewGeneration(rnd).withEpoch(1); // takeover
        assertEquals(INCREMENTAL_TO_PRIMARY,
                ResyncDecisionTable.decide("t", p, standIn, BitmapInfo.of(1), BitmapInfo.of(50)).outcome());
        VolumeIdentity pWroteAlone = p.startNewGeneration(rnd);
        assertEquals(SPLIT_BRAIN,
                ResyncDecisionTable.decide("t", pWroteAlone, standIn, BitmapInfo.of(1), BitmapInfo.of(50)).outcome());
        // failback completes: the primary takes the stand-in's generation and epoch
        VolumeIdentity back = p.beginResyncAsTarget().completeResyncFrom(standIn);
        assertEquals(1, back.epoch());
        assertEquals(IN_SYNC, ResyncDecisionTable.decide("t", back, standIn.completeResyncAsSource(), CLEAN, CLEAN)
                .outcome());
    }

    @AfterAll
    static void everyRowIsTested() {
        Set<String> all = new HashSet<>();
        ResyncDecisionTable.ROWS.forEach(r -> all.add(r.id()));
        all.removeAll(ROWS_HIT);
        assertTrue(all.isEmpty(), "rows without a test: " + all);
    }
}
