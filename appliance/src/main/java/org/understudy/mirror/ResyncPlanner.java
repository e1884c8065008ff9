package org.understudy.mirror;

import java.util.List;

/**
 * Decides what must travel to the standby when a link (re)connects: the seam where the persistent dirty-region bitmap
 * plugs in. The volume tells it about every write that did not reach the standby; on connect it asks for the extents
 * to copy. Implementations are thread-safe.
 */
public interface ResyncPlanner {

    /** A byte range of the volume. */
    record Extent(long offset, long length) {
    }

    /** A write (or zeroing) of this range completed locally but is not known to be on the replica. */
    void markUnreplicated(long offset, long length);

    /**
     * Before a write (or zeroing) of this range touches the local volume: a planner that must survive a crash records
     * it durably here. Exactly one of {@link #replicated} or {@link #markUnreplicated} follows.
     */
    default void beforeWrite(long offset, long length) throws java.io.IOException {
    }

    /** The write of this range announced by {@link #beforeWrite} was acknowledged by the standby. */
    default void replicated(long offset, long length) {
    }

    /** A sync chunk of this range was acknowledged by the standby (the replica holds it as of the chunk). */
    default void chunkCopied(long offset, long length) {
    }

    /**
     * Extents to copy on this connect, in ascending order.
     *
     * @param replicaConsistent what the standby said of its replica in the handshake
     */
    List<Extent> plan(long volumeSize, boolean replicaConsistent);

    /** The planned copy completed and the standby acknowledged it durably. */
    void completed(List<Extent> copied);

    /** The first planner: every connect copies the whole volume (no dirty-region tracking yet). */
    ResyncPlanner FULL = new ResyncPlanner() {
        @Override
        public void markUnreplicated(long offset, long length) {
            // nothing to remember: the next connect copies everything anyway
        }

        @Override
        public List<Extent> plan(long volumeSize, boolean replicaConsistent) {
            return List.of(new Extent(0, volumeSize));
        }

        @Override
        public void completed(List<Extent> copied) {
            // nothing to clear
        }
    };
}
