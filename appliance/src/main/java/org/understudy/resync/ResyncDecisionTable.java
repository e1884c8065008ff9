package org.understudy.resync;

import static org.understudy.resync.ResyncDecision.Outcome.FULL_TO_PRIMARY;
import static org.understudy.resync.ResyncDecision.Outcome.FULL_TO_REPLICA;
import static org.understudy.resync.ResyncDecision.Outcome.INCREMENTAL_TO_PRIMARY;
import static org.understudy.resync.ResyncDecision.Outcome.INCREMENTAL_TO_REPLICA;
import static org.understudy.resync.ResyncDecision.Outcome.IN_SYNC;
import static org.understudy.resync.ResyncDecision.Outcome.NO_CONSISTENT_DATA;
import static org.understudy.resync.ResyncDecision.Outcome.SPLIT_BRAIN;
import static org.understudy.resync.ResyncDecision.Outcome.UNRELATED;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.resync.ResyncDecision.Outcome;

/**
 * The decision table run on every reconnect of a volume ("primary side") and its replica ("replica side"): rows are
 * tried in order and the first whose condition holds gives the outcome. When in doubt the table refuses (data safety
 * rule: resync direction is decided by generations; when in doubt, stop and alarm).
 *
 * <p>Reading the rows: "P" is the primary side's identity, "Q" the replica side's; {@code P.cur}, {@code P.base},
 * {@code P.hist}; "P ~> g" means g is P's bitmap base or in P's history (P descends from g).
 *
 * <p>Pure and stateless apart from logging; thread-safe.
 */
public final class ResyncDecisionTable {

    private static final Logger LOG = LogManager.getLogger(ResyncDecisionTable.class);

    /** The facts a row looks at, computed once per decision. */
    record Facts(VolumeIdentity p, VolumeIdentity q, BitmapInfo pBitmap, BitmapInfo qBitmap) {
        boolean bothFresh() {
            return p.isFresh() && q.isFresh();
        }

        boolean differentVolumes() {
            return p.volumeId() != null && q.volumeId() != null && !p.volumeId().equals(q.volumeId());
        }

        boolean sameCurrent() {
            return p.current().equals(q.current());
        }

        boolean pConsistent() {
            return !p.isFresh() && p.consistent();
        }

        boolean qConsistent() {
            return !q.isFresh() && q.consistent();
        }

        /** The replica's data is exactly where the primary's bitmap starts counting, and that bitmap is intact. */
        boolean primaryBitmapCoversReplica() {
            return pBitmap.usable() && !p.bitmapBase().isNone() && p.bitmapBase().equals(q.current());
        }

        boolean replicaBitmapCoversPrimary() {
            return qBitmap.usable() && !q.bitmapBase().isNone() && q.bitmapBase().equals(p.current());
        }

        boolean anythingInFlight() {
            return pBitmap.dirtyRegions() > 0 || qBitmap.dirtyRegions() > 0;
        }
    }

    /** One row: when {@code when} holds, the answer is {@code outcome} because {@code reason}. */
    record Row(String id, Predicate<Facts> when, Outcome outcome, String reason) {
    }

    /** The table. Order matters: refusals and freshness first, then equal generations, then ancestry. */
    static final List<Row> ROWS = List.of(
            new Row("R1", Facts::bothFresh, FULL_TO_REPLICA,
                    "new volume and new replica: initial full copy"),
            new Row("R2", Facts::differentVolumes, UNRELATED,
                    "the two copies carry different volume ids: unrelated data, refusing"),
            new Row("R3", f -> f.q().isFresh() && !f.pConsistent(), NO_CONSISTENT_DATA,
                    "replica is fresh and the primary's data is inconsistent: nothing usable to copy, refusing"),
            new Row("R4", f -> f.q().isFresh(), FULL_TO_REPLICA,
                    "replica has no generation (new or replaced): full copy to the replica"),
            new Row("R5", f -> f.p().isFresh() && f.qConsistent(), FULL_TO_PRIMARY,
                    "primary has no generation (disk replaced) and the replica holds the data: full copy back"),
            new Row("R6", f -> f.p().isFresh(), NO_CONSISTENT_DATA,
                    "primary is fresh and the replica is inconsistent: nothing usable to copy, refusing"),
            new Row("R7", f -> !f.pConsistent() && !f.qConsistent(), NO_CONSISTENT_DATA,
                    "both sides are inconsistent (both were resync targets): an operator must choose, refusing"),
            new Row("R8", f -> f.sameCurrent() && !f.qConsistent() && f.pBitmap().usable(), INCREMENTAL_TO_REPLICA,
                    "same generation, replica inconsistent: finish the resync from the primary's bitmap"),
            new Row("R9", f -> f.sameCurrent() && !f.qConsistent(), FULL_TO_REPLICA,
                    "same generation, replica inconsistent, primary bitmap unusable: full copy to the replica"),
            new Row("R10", f -> f.sameCurrent() && !f.pConsistent() && f.qBitmap().usable(), INCREMENTAL_TO_PRIMARY,
                    "same generation, primary inconsistent: finish the resync from the replica's bitmap"),
            new Row("R11", f -> f.sameCurrent() && !f.pConsistent(), FULL_TO_PRIMARY,
                    "same generation, primary inconsistent, replica bitmap unusable: full copy back"),
            new Row("R12", f -> f.sameCurrent() && !f.pBitmap().usable(), FULL_TO_REPLICA,
                    "same generation but the primary's bitmap is lost: writes in flight unknown, full copy"),
            new Row("R13", f -> f.sameCurrent() && f.anythingInFlight(), INCREMENTAL_TO_REPLICA,
                    "same generation with regions in flight at the last stop: resync them"),
            new Row("R14", Facts::sameCurrent, IN_SYNC,
                    "same generation, nothing in flight: in sync"),
            new Row("R15", f -> !f.qConsistent() && f.primaryBitmapCoversReplica(), INCREMENTAL_TO_REPLICA,
                    "replica inconsistent at the primary's bitmap base: finish the interrupted resync"),
            new Row("R16", f -> !f.qConsistent(), FULL_TO_REPLICA,
                    "replica inconsistent and not covered by the primary's bitmap: full copy to the replica"),
            new Row("R17", f -> !f.pConsistent() && f.replicaBitmapCoversPrimary() && f.pBitmap().usable(),
                    INCREMENTAL_TO_PRIMARY, "primary inconsistent at the replica's bitmap base: finish the "
                    + "interrupted failback resync (union of both bitmaps)"),
            new Row("R18", f -> !f.pConsistent(), FULL_TO_PRIMARY,
                    "primary inconsistent and not covered by both bitmaps: full copy back"),
            new Row("R19", Facts::primaryBitmapCoversReplica, INCREMENTAL_TO_REPLICA,
                    "primary is newer and the replica is its bitmap base: incremental resync to the replica"),
            new Row("R20", f -> f.p().descendsFrom(f.q().current()), FULL_TO_REPLICA,
                    "primary is newer but its bitmap does not reach back to the replica's generation: full copy"),
            new Row("R21", f -> f.replicaBitmapCoversPrimary() && f.pBitmap().usable(), INCREMENTAL_TO_PRIMARY,
                    "replica is newer (it stood in) and the primary is its bitmap base: incremental failback of the "
                    + "union of both bitmaps"),
            new Row("R22", f -> f.q().descendsFrom(f.p().current()), FULL_TO_PRIMARY,
                    "replica is newer but one of the bitmaps cannot vouch for the difference (the replica's does not "
                    + "reach back to the primary's generation, or the primary's, which holds the writes that were "
                    + "in flight when it stopped, is lost): full copy back"),
            new Row("R23", f -> true, SPLIT_BRAIN,
                    "both sides wrote after they diverged: split brain, refusing; both data sets kept"));

    private ResyncDecisionTable() {
    }

    /**
     * Decides what to do for one volume when its primary side and replica side meet.
     *
     * @param name          log prefix, e.g. {@code p1/vol0}
     * @param primarySide   identity stored with the primary's volume
     * @param replicaSide   identity stored with the standby's replica
     * @param primaryBitmap the primary's dirty bitmap, or {@link BitmapInfo#NONE}
     * @param replicaBitmap the replica's dirty bitmap (kept while it stands in), or {@link BitmapInfo#NONE}
     */
    public static ResyncDecision decide(String name, VolumeIdentity primarySide, VolumeIdentity replicaSide,
                                        BitmapInfo primaryBitmap, BitmapInfo replicaBitmap) {
        Facts f = new Facts(Objects.requireNonNull(primarySide), Objects.requireNonNull(replicaSide),
                Objects.requireNonNull(primaryBitmap), Objects.requireNonNull(replicaBitmap));
        for (Row row : ROWS) {
            if (row.when().test(f)) {
                String reason = row.reason() + " [primary: " + primarySide.describe() + ", bitmap "
                        + bitmapText(primaryBitmap) + "; replica: " + replicaSide.describe() + ", bitmap "
                        + bitmapText(replicaBitmap) + "]";
                ResyncDecision d = new ResyncDecision(row.outcome(), row.id(), reason);
                if (row.outcome().refuses()) {
                    LOG.error("{}: resync decision {} {}: {}", name, row.id(), row.outcome(), reason);
                } else {
                    LOG.info("{}: resync decision {} {}: {}", name, row.id(), row.outcome(), reason);
                }
                return d;
            }
        }
        throw new AssertionError("the last row always matches");
    }

    private static String bitmapText(BitmapInfo b) {
        return b.usable() ? b.dirtyRegions() + " dirty region(s)" : "unusable";
    }
}
