package org.understudy.snmp;

import static org.understudy.snmp.UnderstudyMib.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.SnapshotEntry;
import org.understudy.model.SnapshotSpace;

/**
 * The snapshot subtree of one rendering ({@code usSnapshots}): a space row per primary with snapshots kept on this
 * node (the standby), and a row per snapshot, its volumes' images folded into one. Stateless; thread-safe.
 */
final class SnapshotRows {
    private SnapshotRows() {
    }

    /** Adds the rows of {@code snap} for the primaries in {@code primaryIdx} (name to usPrimaryIndex). */
    static void render(TreeMap<OID, Variable> t, ClusterSnapshot snap, Map<String, Integer> primaryIdx) {
        for (SnapshotSpace s : snap.snapshotSpace()) {
            Integer pi = primaryIdx.get(s.primary());
            if (pi == null) {
                continue;
            }
            column(t, US_SNAPSHOT_SPACE_ENTRY, US_SNAPSHOT_COUNT, new Gauge32(s.snapshots()), pi);
            column(t, US_SNAPSHOT_SPACE_ENTRY, US_SNAPSHOT_SPACE_USED_MIB, mib(s.usedBytes()), pi);
            column(t, US_SNAPSHOT_SPACE_ENTRY, US_SNAPSHOT_SPACE_LIMIT_MIB, mib(s.limitBytes()), pi);
            column(t, US_SNAPSHOT_SPACE_ENTRY, US_SNAPSHOT_CREATE, new OctetString(), pi);
        }
        Map<String, List<SnapshotEntry>> bySnapshot = new LinkedHashMap<>();
        for (SnapshotEntry e : snap.snapshots()) {
            bySnapshot.computeIfAbsent(e.primary() + "#" + e.id(), k -> new ArrayList<>()).add(e);
        }
        for (List<SnapshotEntry> images : bySnapshot.values()) {
            SnapshotEntry e = images.getFirst();
            Integer pi = primaryIdx.get(e.primary());
            if (pi == null || e.id() < 1 || e.id() > 4294967295L) {
                continue;
            }
            int si = (int) e.id();
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_NAME, new OctetString(e.name()), pi, si);
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_CREATED, DateAndTimes.of(e.created()), pi, si);
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_KIND, new Integer32(kind(e.kind())), pi, si);
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_CUT, new Integer32(e.primaryCut() ? SnapshotCut.PRIMARY
                    : SnapshotCut.STANDBY), pi, si);
            boolean consistent = images.stream().allMatch(SnapshotEntry::consistent);
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_CONSISTENT, new Integer32(consistent ? TruthValue.TRUE
                    : TruthValue.FALSE), pi, si);
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_VOLUMES, new OctetString(String.join(" ",
                    images.stream().map(SnapshotEntry::volume).toList())), pi, si);
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_MIB_USED, mib(images.stream()
                    .mapToLong(SnapshotEntry::bytesUsed).sum()), pi, si);
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_EXPIRES, DateAndTimes.of(e.expires()), pi, si);
            column(t, US_SNAPSHOT_ENTRY, US_SNAPSHOT_ACTION, new Integer32(SnapshotAction.NO_ACTION), pi, si);
        }
    }

    /** Bytes as Gauge32 MiB, rounded up (any use shows), latching at the top. */
    private static Gauge32 mib(long bytes) {
        return new Gauge32(Math.min(4294967295L, (bytes + (1 << 20) - 1) >> 20));
    }

    private static int kind(org.understudy.model.SnapshotKind k) {
        return switch (k) {
            case MANUAL -> SnapshotKind.MANUAL;
            case SCHEDULED -> SnapshotKind.SCHEDULED;
            case PRE_RESYNC -> SnapshotKind.PRE_RESYNC;
            case REHEARSAL -> SnapshotKind.REHEARSAL;
        };
    }

    private static void column(TreeMap<OID, Variable> t, int[] entry, int column, Variable v, int... index) {
        t.put(new OID(columnInstance(entry, column, index)), v);
    }
}
