package org.understudy.snapshot;

import java.nio.file.FileStore;
import java.util.Collection;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The snapshot stores of one standby, which may share a file system: when a write of one primary's replica or
 * snapshots finds the file system full and that primary has no snapshot left to give room back, a snapshot of another
 * primary on the same file system goes, by the same rule as within a store ({@link StoreSpace#victim}): the oldest of
 * them all, a pre-resync snapshot protecting a resync in progress last. Without it one primary's snapshots could hold
 * the room another primary's mirror needs. Thread-safe (immutable; the stores guard themselves).
 */
public final class SharedRoom {
    private static final Logger LOG = LogManager.getLogger(SharedRoom.class);
    private final List<SnapshotStore> stores;

    private SharedRoom(List<SnapshotStore> stores) {
        this.stores = stores;
    }

    /** Lets every store of {@code stores} ask the others for room. */
    public static void link(Collection<SnapshotStore> stores) {
        SharedRoom room = new SharedRoom(List.copyOf(stores));
        stores.forEach(s -> s.space().neighbours(room));
    }

    /** Drops the snapshot the rule picks among the other stores on {@code asking}'s file system, for {@code cause}. */
    boolean makeRoom(SnapshotStore asking, String cause) {
        FileStore disk = asking.space().fileStore();
        SnapshotStore owner = null;
        SnapshotInfo victim = null;
        for (SnapshotStore s : stores) {
            if (s == asking || disk == null || !disk.equals(s.space().fileStore())) {
                continue;
            }
            SnapshotInfo v = StoreSpace.victim(s.list());
            if (v != null && (victim == null || goesFirst(v, victim))) {
                owner = s;
                victim = v;
            }
        }
        if (owner == null) {
            return false;
        }
        LOG.warn("snapshots: {}; {}'s snapshot {} gives its room back", cause, owner.primary(), victim.name());
        return owner.space().dropForNeighbour(cause);
    }

    private static boolean goesFirst(SnapshotInfo a, SnapshotInfo b) {
        if (StoreSpace.protectsResync(a) != StoreSpace.protectsResync(b)) {
            return StoreSpace.protectsResync(b);
        }
        return a.created().isBefore(b.created());
    }
}
