package org.understudy.model;

/**
 * Where the standby stands with one primary. The allowed moves between these states are in the failover engine's
 * transition table ({@code org.understudy.failover.PrimaryStateMachine}); this enum only names them for the faces.
 */
public enum PrimaryState {
    /** The replica is being (re)synchronised: not consistent, never promoted automatically. */
    SYNCING,
    /** Replicas in sync, every path up: the standby can stand in. */
    PROTECTED,
    /** Some path down (alarm), or the primary answers probes but not heartbeats: watched, never failed over for it. */
    DEGRADED,
    /** Every path silent past its timeout; a confirming probe runs. */
    SUSPECT,
    /** The takeover steps are running. */
    FAILING_OVER,
    /** The standby serves this primary's volumes under its identity. */
    STANDING_IN,
    /** The repaired primary is resyncing and getting its role back. */
    FAILING_BACK,
    /** The primary is fenced (its epoch is stale); it may not serve until an operator clears the fence. */
    FENCED,
    /** Primary and replica histories diverged; nothing is resynced automatically. */
    SPLIT_BRAIN,
    /** Declared failed but not taken over (policy off, stand-in limit, takeover aborted); an operator must act. */
    FAILED
}
