package org.understudy.model;

import java.time.Instant;
import java.util.List;

/**
 * One volume's image in one snapshot on the standby, as the faces show it (a row of the snapshot table).
 *
 * @param id         the snapshot's number among its primary's (never reused)
 * @param name       the snapshot's name (its creation instant unless an operator named it)
 * @param export     the read-only NBD export serving it on the standby's own address, {@code primary/volume@name}
 * @param kind       why it exists (manual, scheduled, pre-resync, rehearsal)
 * @param primaryCut true when it is a point of the primary's write stream shared by every volume of the snapshot;
 *                   false when the standby took the cut itself (the primary was down or the standby served it)
 * @param consistent the replica held a state its volume passed through at the cut
 * @param bytesUsed  bytes this image's preserved chunks take on the standby
 * @param labels     the schedules keeping it
 * @param expires    when it expires by itself (null: never)
 * @param held       kept while a resync of its volume runs (pre-resync)
 */
public record SnapshotEntry(String primary, String volume, long id, String name, String export, Instant created,
                            SnapshotKind kind, boolean primaryCut, boolean consistent, long size, long bytesUsed,
                            List<String> labels, Instant expires, boolean held) {
    public SnapshotEntry {
        labels = List.copyOf(labels);
    }

    /** The export name of {@code primary}'s {@code volume} in snapshot {@code name}. */
    public static String exportName(String primary, String volume, String name) {
        return primary + "/" + volume + "@" + name;
    }
}
