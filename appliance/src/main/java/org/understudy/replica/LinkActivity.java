package org.understudy.replica;

/**
 * Told of every valid frame a primary sends on any of its replication links: the health engine counts it as life on
 * the link path. Called on the link's thread for every frame, so it must be lock-free and quick. Also told when a
 * replica refuses a primary whose identity carries an older fencing epoch than its own (a primary that lost its fence
 * record, or was down when its fence was cleared), so the failover engine can show it fenced instead of syncing.
 */
@FunctionalInterface
public interface LinkActivity {
    void heard(String primary);

    /**
     * A replica of {@code primary} refused its link: the primary's identity carries {@code primaryEpoch}, older than
     * the replica's {@code replicaEpoch}. Called on the link's thread, once per refused handshake; must not block.
     */
    default void staleEpoch(String primary, String volume, long primaryEpoch, long replicaEpoch) {
    }

    /**
     * A peer failed the replication handshake's authentication (it does not hold the cluster key, or replayed or
     * reflected a proof). {@code claimedPrimary} is what its HELLO said (not to be trusted; null if none). Called on
     * the link's thread; must not block.
     */
    default void authenticationRefused(String source, String claimedPrimary, String reason) {
    }

    /**
     * The peer closed a link of {@code primary} that this side had not closed: {@code how} says whether it ended the
     * stream or reset the connection. A fact for the fast path of failure detection (a dead process's kernel closes
     * its sockets at once); an orderly goodbye from a live primary (its ERROR frame) is not reported. Called on the
     * link's thread; must not block.
     */
    default void closedByPeer(String primary, String volume, String how) {
    }

    /**
     * The standby's own storage refused a write of {@code primary}'s {@code volume} (no space left, an I/O error of
     * its disk): once per episode, on the link's or an applier's thread; must not block.
     */
    default void storageFailed(String primary, String volume, String reason) {
    }

    /** A resync completed on a replica whose storage had failed: it takes writes again. */
    default void storageRestored(String primary, String volume) {
    }

    LinkActivity NONE = primary -> { };
}
