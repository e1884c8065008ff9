package org.understudy.replica;

/**
 * What the standby's snapshot service hears from the links, on each link's own thread and in stream order, after
 * every earlier frame of the link has been applied: the replica is exactly at that point of its primary's write
 * stream while a hook runs, and nothing else writes it. Implementations must be thread-safe (one link per replica).
 */
public interface SnapshotHooks {
    /** Hears nothing. */
    SnapshotHooks NONE = new SnapshotHooks() {
    };

    /** The primary's cut {@code cut} reached this replica (a SNAPSHOT frame). */
    default void cutReached(Replica replica, long cut) throws java.io.IOException {
    }

    /**
     * The first write of a resync is about to land on this replica, which was consistent until the resync began:
     * the last moment its content is a state the primary passed through.
     */
    default void beforeResyncTarget(Replica replica) throws java.io.IOException {
    }

    /** The resync of this replica ended (it is consistent again). */
    default void resyncEnded(Replica replica) {
    }
}
