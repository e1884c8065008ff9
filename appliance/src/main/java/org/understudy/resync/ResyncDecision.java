package org.understudy.resync;

/**
 * What to do when a volume and its replica meet again, as decided by {@link ResyncDecisionTable}. Immutable.
 *
 * @param outcome the action
 * @param rule    id of the table row that matched, e.g. {@code R13}
 * @param reason  the row's explanation followed by the identities and bitmap figures behind it, for the log and alarms
 */
public record ResyncDecision(Outcome outcome, String rule, String reason) {

    /**
     * The possible actions. For the incremental outcomes the regions to copy are the union of both sides' dirty
     * bitmaps (each side may hold writes that were in flight when the link or a node died).
     */
    public enum Outcome {
        /** Same generation, nothing in flight: connect and mirror. */
        IN_SYNC,
        /** The primary is newer and the replica an ancestor its bitmap covers: copy the dirty regions to the replica. */
        INCREMENTAL_TO_REPLICA,
        /** The replica is newer (it stood in) and the primary an ancestor: copy dirty regions back (failback). */
        INCREMENTAL_TO_PRIMARY,
        /** The replica is new, unknown, inconsistent beyond the bitmap, or an ancestor the bitmap cannot cover. */
        FULL_TO_REPLICA,
        /** The primary's data is gone (new disk) or too old for a bitmap, and the replica holds the newer data. */
        FULL_TO_PRIMARY,
        /** Both sides wrote after they diverged: refuse, keep both data sets, raise an alarm. Never automatic. */
        SPLIT_BRAIN,
        /** The two copies belong to different volumes: refuse. */
        UNRELATED,
        /** Neither side holds a consistent data set: refuse and alarm; an operator must choose. */
        NO_CONSISTENT_DATA;

        /** Whether this outcome refuses the connection instead of mirroring or resyncing. */
        public boolean refuses() {
            return this == SPLIT_BRAIN || this == UNRELATED || this == NO_CONSISTENT_DATA;
        }

        /** Whether data travels from the replica to the primary. */
        public boolean towardsPrimary() {
            return this == INCREMENTAL_TO_PRIMARY || this == FULL_TO_PRIMARY;
        }

        /** Whether the whole volume travels. */
        public boolean full() {
            return this == FULL_TO_REPLICA || this == FULL_TO_PRIMARY;
        }
    }
}
