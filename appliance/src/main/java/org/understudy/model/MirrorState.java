package org.understudy.model;

/** Where a volume's replica stands relative to the volume. */
public enum MirrorState {
    /** The replica is not a state the volume passed through (new, or a full sync not yet finished). */
    INCONSISTENT,
    /** A sync is copying data to the replica; it is inconsistent until the sync completes. */
    SYNCING,
    /** Every acknowledged write is on the replica. */
    IN_SYNC,
    /** The replica is not receiving writes (standby unreachable); the volume keeps serving locally. */
    DEGRADED
}
