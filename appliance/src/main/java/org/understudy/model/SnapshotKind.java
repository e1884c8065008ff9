package org.understudy.model;

/** Why a snapshot of replicas exists, which decides who may expire it. */
public enum SnapshotKind {
    /** Asked for by an operator; kept until an operator deletes it (or the space limit drops it). */
    MANUAL,
    /** Taken by a schedule of the cluster file; expired by that schedule's retention. */
    SCHEDULED,
    /** Taken automatically before a replica became a resync target; kept until the resync ends and a while after. */
    PRE_RESYNC,
    /** The base of a failover rehearsal's clones; deleted when the rehearsal ends. */
    REHEARSAL
}
