package org.understudy.model;

/**
 * Where a primary node stands with its own role, as the primary itself sees it (the standby's view of it is
 * {@link PrimaryState}). The allowed moves are in the primary's transition table
 * ({@code org.understudy.primary.Lifecycle}); this enum only names them for the faces.
 */
public enum PrimaryLifecycle {
    /** Opening its volumes and waiting (bounded) for the standby's first word before it serves. */
    STARTING,
    /** Its volumes are NBD exports on its service address; every write is mirrored. */
    SERVING,
    /** A planned switchover: no new writes, those in flight finishing and flushed through to the standby. */
    DRAINING,
    /** Not serving: the standby holds (or held) the role; it serves again only when the standby returns it. */
    FENCED,
    /** Fenced, and copying back what changed on the standby while it stood in (a failback). */
    COPYING_BACK,
    /** Shutting down. */
    STOPPED
}
