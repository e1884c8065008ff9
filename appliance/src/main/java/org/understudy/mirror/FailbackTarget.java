package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.ByteRange;
import org.understudy.resync.ResyncDecision;
import org.understudy.resync.ResyncDecisionTable;
import org.understudy.resync.VolumeIdentity;
import org.understudy.storage.BlockDevice;

/**
 * A fenced primary volume as the target of a failback: the data the standby wrote while it stood in comes back here.
 * The direction and extent are decided by the same {@link ResyncDecisionTable} as every reconnect, from both
 * identities and both dirty bitmaps; an incremental failback copies the union of the replica's stand-in bitmap and
 * this volume's own bitmap (writes it had in flight when it stopped, which the replica may lack). The volume is
 * marked inconsistent, durably, before the first byte lands, and takes the replica's identity only after the last
 * one, so an interrupted copy is finished (not trusted) by the next attempt. Copied data goes to the local device
 * directly: no client is served and no link is up while fenced. Thread-safe as far as its parts are; one failback
 * copy runs at a time per volume.
 */
public final class FailbackTarget {
    private static final Logger LOG = LogManager.getLogger(FailbackTarget.class);

    /**
     * What a failback copies into this volume.
     *
     * @param decision the decision table's answer
     * @param ranges   what to copy; empty when the decision refuses or does not send data towards the primary
     */
    public record Plan(ResyncDecision decision, List<ByteRange> ranges) {
        /** Whether this plan must not be carried out (split brain, unrelated data, or data owed to the replica). */
        public boolean refused() {
            return decision.outcome().refuses() || !decision.outcome().towardsPrimary();
        }

        public long bytes() {
            return ByteRange.bytes(ranges);
        }
    }

    private final String name;
    private final long size;
    private final PrimaryIdentity identity;
    private final ResyncPlanner planner;
    private final BlockDevice local;
    private final BooleanSupplier linked;

    FailbackTarget(String name, long size, PrimaryIdentity identity, ResyncPlanner planner, BlockDevice local,
                   BooleanSupplier linked) {
        this.name = name;
        this.size = size;
        this.identity = identity;
        this.planner = planner;
        this.local = local;
        this.linked = linked;
    }

    /**
     * Decides what to copy back from a replica holding {@code replica}, whose stand-in bitmap is {@code replicaBitmap}
     * and marks {@code replicaRanges}.
     */
    public Plan plan(VolumeIdentity replica, BitmapInfo replicaBitmap, List<ByteRange> replicaRanges) {
        BitmapInfo mine = planner instanceof BitmapPlanner bp ? bp.info() : BitmapInfo.NONE;
        ResyncDecision d = ResyncDecisionTable.decide(name, identity.get(), replica, mine, replicaBitmap);
        if (d.outcome().refuses() || !d.outcome().towardsPrimary()) {
            return new Plan(d, List.of());
        }
        if (d.outcome().full()) {
            return new Plan(d, List.of(new ByteRange(0, size)));
        }
        List<ByteRange> own = planner instanceof BitmapPlanner bp ? bp.bitmap().dirtyRanges(Long.MAX_VALUE) : List.of();
        List<ByteRange> union = ByteRange.union(replicaRanges, own);
        LOG.info("failback {}: {} {}: {} range(s) from the replica's stand-in bitmap, {} from this volume's own "
                        + "bitmap: {} range(s), {} bytes to copy back", name, d.rule(), d.outcome(),
                replicaRanges.size(), own.size(), union.size(), ByteRange.bytes(union));
        return new Plan(d, union);
    }

    /** Durably marks this volume inconsistent: from now until {@link #adopt}, it is the target of a copy. */
    public void begin() throws IOException {
        requireUnlinked();
        identity.beginResyncAsTarget();
    }

    /** Whether a failback copy into this volume has begun and not completed (the volume is inconsistent). */
    public boolean inProgress() {
        return !identity.get().consistent();
    }

    /** Writes copied data at {@code offset}. */
    public void write(long offset, ByteBuffer data) throws IOException {
        requireUnlinked();
        local.write(offset, data, false);
    }

    /** Forces what was copied so far. */
    public void flush() throws IOException {
        local.flush();
    }

    /**
     * Every byte has been copied from the replica whose identity is {@code source}: the data is forced, the volume
     * takes that generation (saved) and its bitmap owes the replica nothing, so the next link finds both sides in
     * sync. The identity is saved before the bitmap is cleared: a crash in between leaves dirty regions, never a
     * lost one.
     */
    public void adopt(VolumeIdentity source) throws IOException {
        requireUnlinked();
        local.flush();
        identity.adopt(source);
        if (planner instanceof BitmapPlanner bp) {
            bp.bitmap().clear(0, size);
            bp.bitmap().flush();
        }
    }

    public String name() {
        return name;
    }

    public long size() {
        return size;
    }

    private void requireUnlinked() {
        if (linked.getAsBoolean()) {
            throw new IllegalStateException(name + " is linked to the standby: only a fenced volume is a failback "
                    + "target");
        }
    }
}
