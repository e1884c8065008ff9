package org.understudy.failover;

import java.time.Duration;
import java.util.Set;
import org.understudy.model.PrimaryState;

/**
 * What the standby makes of a replica's refusal of a primary whose identity carries an older fencing epoch than the
 * replica's: a primary that lost its own fence record (disk replaced, state restored from an old backup) or that was
 * down when its fence was cleared, and so never took the epoch. Such a primary can never sync again by itself: it is
 * shown FENCED, with an alarm naming both epochs, so that an operator's fence-clear hands it the epoch (or a failback
 * returns its role). A pure function; thread-safe.
 */
final class EpochRefusal {
    /**
     * A refusal this soon after the standby handed the primary its epoch (fence cleared, role returned) is of a
     * handshake begun before the primary took it: the primary's connect (2 s) and handshake (3 s) limits bound it.
     */
    static final Duration GRACE = Duration.ofSeconds(5);

    /** States in which the standby watches the primary: only there may a stale epoch turn it FENCED. */
    private static final Set<PrimaryState> WATCHING = Set.of(PrimaryState.SYNCING, PrimaryState.PROTECTED,
            PrimaryState.DEGRADED, PrimaryState.SUSPECT, PrimaryState.FAILED);

    /** The outcome: fence (with the cause operators read) or leave the primary as it is (and why, for the log). */
    sealed interface Decision {
    }

    record Fence(String cause) implements Decision {
    }

    record Ignore(String why) implements Decision {
    }

    private EpochRefusal() {
    }

    /**
     * @param state              the primary's state now
     * @param nanosSinceHandover time since the standby last handed the primary its epoch; negative if never
     */
    static Decision decide(String primary, String volume, PrimaryState state, long nanosSinceHandover,
                           long primaryEpoch, long replicaEpoch) {
        if (primaryEpoch >= replicaEpoch) {
            return new Ignore("primary epoch " + primaryEpoch + " is not older than the replica's " + replicaEpoch);
        }
        if (!WATCHING.contains(state)) {
            // standing in, handing over or already fenced/split: the fence by name or the operator's state governs
            return new Ignore(primary + " is " + state);
        }
        if (nanosSinceHandover >= 0 && nanosSinceHandover < GRACE.toNanos()) {
            return new Ignore(String.format("epoch %d handed to %s %.2f s ago (grace %d s): a handshake begun before "
                    + "it took the epoch", replicaEpoch, primary, nanosSinceHandover / 1e9, GRACE.toSeconds()));
        }
        return new Fence(String.format("replica %s/%s refuses %s: primary epoch %d is older than the replica's epoch "
                + "%d (its fence record lost, or it was down when its fence was cleared); it stays fenced until an "
                + "operator clears the fence (fence-clear hands it epoch %d) or fails back", primary, volume, primary,
                primaryEpoch, replicaEpoch, replicaEpoch));
    }
}
