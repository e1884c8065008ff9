package org.understudy.resync;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The small durable identity each copy of a volume keeps (the primary's volume and the standby's replica), compared on
 * every reconnect by {@link ResyncDecisionTable} to decide what to resync and in which direction.
 *
 * <p>Modelled on DRBD's UUID set: {@code current} names the data this copy holds; {@code bitmapBase}, when set, is the
 * generation the peer last shared with this copy, and means "my dirty bitmap records every region I changed since
 * then"; {@code history} holds earlier generations, newest first, so an older peer can still be recognised as an
 * ancestor. {@code consistent} is false while the copy is the target of an unfinished resync: its data is then not a
 * usable data set and it must never be promoted or used as a resync source. {@code epoch} is the fencing counter: a
 * replica refuses writes from a primary whose epoch is older than its own.
 *
 * <p>Immutable; every transition returns a new identity which the owner persists with {@link IdentityStore#save}
 * <em>before</em> acting on it (for example before the first write of a new generation).
 *
 * @param volumeId   identifies the volume across all its copies; null for a copy that knows none yet
 * @param current    generation of the data held; {@link Generation#NONE} for a fresh copy
 * @param bitmapBase generation the dirty bitmap counts from; {@link Generation#NONE} when not tracking a divergence
 * @param history    earlier generations, newest first, at most {@link #HISTORY_LIMIT}
 * @param consistent false while an unfinished resync is writing into this copy
 * @param epoch      fencing counter, never lowered
 */
public record VolumeIdentity(UUID volumeId, Generation current, Generation bitmapBase, List<Generation> history,
                             boolean consistent, long epoch) {

    /** How many earlier generations are kept. */
    public static final int HISTORY_LIMIT = 8;

    public VolumeIdentity {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(bitmapBase, "bitmapBase");
        history = List.copyOf(history);
        if (history.size() > HISTORY_LIMIT) {
            throw new IllegalArgumentException("history longer than " + HISTORY_LIMIT + ": " + history.size());
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch " + epoch);
        }
    }

    /** A copy that holds no data of any volume yet (a new replica). */
    public static VolumeIdentity fresh() {
        return new VolumeIdentity(null, Generation.NONE, Generation.NONE, List.of(), false, 0);
    }

    /** A newly provisioned volume on its primary: a new volume id and a first generation. */
    public static VolumeIdentity newVolume(RandomGenerator rnd) {
        UUID id = new UUID(rnd.nextLong(), rnd.nextLong());
        return new VolumeIdentity(id, Generation.random(rnd), Generation.NONE, List.of(), true, 0);
    }

    public boolean isFresh() {
        return current.isNone();
    }

    /**
     * This copy starts being written on its own (takeover by the standby, or a primary writing while disconnected).
     * The old generation goes to the history; if the bitmap was not yet tracking a divergence it now counts from the
     * old generation, else it keeps counting from the earlier base (the bitmap only accumulates).
     */
    public VolumeIdentity startNewGeneration(RandomGenerator rnd) {
        if (isFresh()) {
            throw new IllegalStateException("a fresh copy has no data to start a generation from");
        }
        if (!consistent) {
            throw new IllegalStateException("an inconsistent copy (resync unfinished) must not be written on its own");
        }
        Generation base = bitmapBase.isNone() ? current : bitmapBase;
        return new VolumeIdentity(volumeId, Generation.random(rnd), base, pushHistory(current), consistent, epoch);
    }

    /** This copy becomes the target of a resync: inconsistent until {@link #completeResyncFrom} is saved. */
    public VolumeIdentity beginResyncAsTarget() {
        return new VolumeIdentity(volumeId, current, bitmapBase, history, false, epoch);
    }

    /** The resync into this copy finished: it now holds the source's generation and is consistent. */
    public VolumeIdentity completeResyncFrom(VolumeIdentity source) {
        List<Generation> h = current.isNone() || current.equals(source.current) ? history : pushHistory(current);
        return new VolumeIdentity(source.volumeId, source.current, Generation.NONE, h, true,
                Math.max(epoch, source.epoch));
    }

    /** The resync from this copy finished and the peer saved its new identity: the bitmap no longer tracks a base. */
    public VolumeIdentity completeResyncAsSource() {
        return new VolumeIdentity(volumeId, current, Generation.NONE, history, consistent, epoch);
    }

    /** The epoch raised to {@code newEpoch} (a takeover fences the old primary this way); never lowered. */
    public VolumeIdentity withEpoch(long newEpoch) {
        if (newEpoch < epoch) {
            throw new IllegalArgumentException("epoch may not go back from " + epoch + " to " + newEpoch);
        }
        return new VolumeIdentity(volumeId, current, bitmapBase, history, consistent, newEpoch);
    }

    /** Whether a replica with this identity accepts writes from a primary at {@code primaryEpoch}. */
    public boolean acceptsWritesFrom(long primaryEpoch) {
        return primaryEpoch >= epoch;
    }

    /** Whether {@code g} is an earlier state of this copy's data (its bitmap base or in its history). */
    public boolean descendsFrom(Generation g) {
        return !g.isNone() && (g.equals(bitmapBase) || history.contains(g));
    }

    private List<Generation> pushHistory(Generation g) {
        List<Generation> h = new ArrayList<>(HISTORY_LIMIT);
        h.add(g);
        for (Generation old : history) {
            if (h.size() == HISTORY_LIMIT) {
                break;
            }
            if (!old.equals(g)) {
                h.add(old);
            }
        }
        return h;
    }

    /** Short form for logs: {@code current/base/history... c=true e=3}. */
    public String describe() {
        return "volume " + volumeId + " current " + current + " bitmap-base " + bitmapBase + " history " + history
                + (consistent ? " consistent" : " INCONSISTENT") + " epoch " + epoch;
    }
}
