package org.understudy.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.understudy.model.SnapshotKind;

/**
 * What a snapshot store says of one snapshot at one moment. Immutable.
 *
 * @param primaryCut true when the cut is a point of the primary's write stream, false when it is the standby's own
 * @param expires    when it expires (null: no expiry of its own)
 * @param held       kept no matter what until released (a pre-resync snapshot while its resync runs)
 * @param complete   every member is sealed (an incomplete one is being taken, or is dropped at the next start)
 * @param members    per volume: whether the replica was consistent at the cut and the bytes its chunks take
 */
public record SnapshotInfo(long id, String primary, String name, Instant created, SnapshotKind kind,
                           boolean primaryCut, List<String> labels, Instant expires, boolean held, boolean complete,
                           Map<String, Member> members) {
    public SnapshotInfo {
        labels = List.copyOf(labels);
        members = Map.copyOf(members);
    }

    /** One volume's image. */
    public record Member(boolean consistent, long bytesUsed) {
    }

    /** Bytes its members take in the store (what deleting it frees, at most). */
    public long bytesUsed() {
        return members.values().stream().mapToLong(Member::bytesUsed).sum();
    }

    /** Every member taken at a state its volume passed through. */
    public boolean consistent() {
        return complete && members.values().stream().allMatch(Member::consistent);
    }
}
