package org.understudy.snapshot;

import java.util.List;
import org.understudy.model.SnapshotKind;

/**
 * One entry of a primary's snapshot journal ({@link SnapshotJournal}): replaying every entry in order rebuilds the
 * store's whole state ({@link SnapshotState#apply}). Immutable records (the arrays of {@link Preserve} are not
 * copied: do not change them after construction).
 */
sealed interface JournalRecord {

    /** First entry of every journal: the format and the chunk size every slot of the store has. */
    record Header(int version, int chunkSize) implements JournalRecord {
    }

    /**
     * A snapshot is announced: nothing is preserved for it until each volume's member is {@link Seal sealed}. A
     * snapshot never {@link Complete completed} is dropped at the next start.
     *
     * @param createdMillis wall time of the cut, epoch milliseconds
     * @param primaryCut    the cut is a point of the primary's write stream (else the standby's own)
     * @param volumes       the volumes it covers
     * @param labels        the schedules that keep it (empty for other kinds)
     */
    record Begin(long id, String name, long createdMillis, SnapshotKind kind, boolean primaryCut, List<String> volumes,
                 List<String> labels) implements JournalRecord {
        public Begin {
            volumes = List.copyOf(volumes);
            labels = List.copyOf(labels);
        }
    }

    /** The member of {@code volume} is taken at this point: from now on a write over a shared chunk preserves it. */
    record Seal(long id, String volume, boolean consistent) implements JournalRecord {
    }

    /** Every member of the snapshot is sealed. */
    record Complete(long id) implements JournalRecord {
    }

    /** Chunks of {@code volume} preserved into slots of the store for the member of snapshot {@code id}. */
    record Preserve(long id, String volume, long[] chunks, long[] slots) implements JournalRecord {
        public Preserve {
            if (chunks.length != slots.length) {
                throw new IllegalArgumentException(chunks.length + " chunks but " + slots.length + " slots");
            }
        }
    }

    /**
     * A {@link Preserve} whose chunks' content was forced together with this entry rather than before it: each chunk's
     * length and CRC32C let the next open tell whether the content reached the disk ({@link JournalRecovery}).
     * {@code batch} numbers the commit that wrote it; {@code settledThrough} says that every commit numbered up to it
     * had both its forces done when this entry was written, so only entries of later batches need that check.
     */
    record CheckedPreserve(Preserve preserve, int[] lengths, int[] crcs, long batch, long settledThrough)
            implements JournalRecord {
        public CheckedPreserve {
            if (lengths.length != preserve.chunks().length || crcs.length != preserve.chunks().length) {
                throw new IllegalArgumentException(preserve.chunks().length + " chunks but " + lengths.length
                        + " lengths and " + crcs.length + " checksums");
            }
        }
    }

    /**
     * A member ({@code volume}) or, with an empty volume, the whole snapshot goes: chunks an older member still
     * needs pass to it, the others are freed.
     */
    record Delete(long id, String volume, String reason) implements JournalRecord {
    }

    /**
     * What keeps a snapshot: its schedule labels, when it expires (-1: never) and whether it is held (a pre-resync
     * snapshot while its resync runs).
     */
    record Update(long id, List<String> labels, long expiresMillis, boolean held) implements JournalRecord {
        public Update {
            labels = List.copyOf(labels);
        }
    }
}
