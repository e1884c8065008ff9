package org.understudy.snapshot;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.SnapshotKind;
import org.understudy.storage.NoSpace;

/**
 * How one primary's snapshot store keeps the mirror going when room runs short, so the mirror never stalls on
 * snapshots. One rule says which snapshot goes ({@link #victim}): the oldest, except that a pre-resync snapshot still
 * protecting a resync in progress goes last (without it no consistent copy of its volume exists on the standby until
 * the resync ends; yet a resync that cannot go on protects nothing either). Two things apply the rule: the configured
 * space limit passed ({@link #enforceLimit}), and the file system refusing a write of the store or of a replica image
 * for lack of room, ENOSPC ({@link #withRoom}): then the room the chunk file grew ahead is given back first, and then
 * the snapshots go one at a time, their chunk file cut back to the slots still taken, until the write goes through
 * or nothing is left in this store, and then in the other primaries' stores on the same file system ({@link
 * SharedRoom}). Every drop is logged with its numbers and told to the listeners (an event and an alarm).
 * Thread-safe: one writer makes room at a time; the others retry after it.
 */
final class StoreSpace {
    private static final Logger LOG = LogManager.getLogger(StoreSpace.class);

    private final SnapshotStore store;
    private final Path dir;
    private final List<BiConsumer<SnapshotInfo, String>> listeners = new CopyOnWriteArrayList<>();
    private final Object roomLock = new Object();
    /** Bumped whenever room was made: a writer that failed before the bump just tries again. */
    private volatile long roomEpoch;
    /** A full file system made the store give up room; reset once the file system has a tenth free again. */
    private volatile boolean diskFull;
    private volatile SharedRoom neighbours;

    StoreSpace(SnapshotStore store, Path dir) {
        this.store = store;
        this.dir = dir;
    }

    void onDropped(BiConsumer<SnapshotInfo, String> listener) {
        listeners.add(listener);
    }

    /** The snapshot to drop next, from every snapshot oldest first; null when there is none. */
    static SnapshotInfo victim(List<SnapshotInfo> oldestFirst) {
        SnapshotInfo protecting = null;
        for (SnapshotInfo i : oldestFirst) {
            if (!protectsResync(i)) {
                return i;
            }
            if (protecting == null) {
                protecting = i;
            }
        }
        return protecting;
    }

    /** A pre-resync snapshot held while its volume's resync runs. */
    static boolean protectsResync(SnapshotInfo i) {
        return i.kind() == SnapshotKind.PRE_RESYNC && i.held();
    }

    /** Drops the oldest snapshots while the preserved chunks take more than the configured limit. */
    void enforceLimit() {
        while (true) {
            long limit = store.spaceLimit();
            if (limit <= 0) {
                return; // no limit (the default): no look at the store's state after every commit
            }
            long used = store.usedBytes();
            if (used <= limit) {
                return;
            }
            String cause = String.format("space limit: snapshots of %s take %d bytes, over the limit of %d",
                    store.primary(), used, limit);
            if (dropOne(cause, false) == null) {
                return;
            }
        }
    }

    /** An I/O call that may fail. */
    @FunctionalInterface
    interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code call} ({@code what} it does, for the log); when the file system refuses it for lack of room, makes
     * room and runs it again, until it goes through or there is nothing left to give back (then its error is thrown).
     * The call must be safe to repeat.
     */
    <T> T withRoom(String what, IoCall<T> call) throws IOException {
        while (true) {
            long epoch = roomEpoch;
            try {
                return call.call();
            } catch (IOException e) {
                if (!NoSpace.is(e)) {
                    throw e;
                }
                String cause = "the file system is full (" + store.primary() + "/" + what + ": " + e.getMessage() + ")";
                if (!makeRoom(epoch, what, e) && (neighbours == null || !neighbours.makeRoom(store, cause + " and "
                        + store.primary() + " has no snapshot left to give room back"))) {
                    LOG.error("snapshots of {}: {} and no snapshot on it is left to give room back", store.primary(),
                            cause);
                    throw e;
                }
            }
        }
    }

    /** The stores of the other primaries, asked for room when this one has none left to give. */
    void neighbours(SharedRoom room) {
        neighbours = room;
    }

    /** Drops the snapshot the rule picks, for another primary's write that found the file system full. */
    boolean dropForNeighbour(String cause) {
        synchronized (roomLock) {
            diskFull = true;
            if (dropOne(cause, true) == null) {
                return false;
            }
            roomEpoch++;
            return true;
        }
    }

    /** The file system the store lives on, or null when it cannot be told. */
    FileStore fileStore() {
        try {
            return Files.getFileStore(dir);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Gives room back to the file system after {@code what} failed with {@code e}: the chunk file's room grown ahead
     * if it has any, else the snapshot the rule picks. False when there was nothing left to give.
     */
    private boolean makeRoom(long epochSeen, String what, IOException e) {
        synchronized (roomLock) {
            if (roomEpoch != epochSeen) {
                return true;
            }
            diskFull = true;
            try {
                long freed = store.giveBack();
                if (freed > 0) {
                    LOG.warn("snapshots of {}: the file system is full ({}: {}); the {} bytes the chunk file had grown"
                            + " ahead of its slots given back", store.primary(), what, e.getMessage(), freed);
                    roomEpoch++;
                    return true;
                }
            } catch (IOException ex) {
                LOG.error("snapshots of {}: cannot cut the chunk file back: {}", store.primary(), ex.toString());
            }
            SnapshotInfo dropped = dropOne("the file system is full (" + store.primary() + "/" + what + ": "
                    + e.getMessage() + ")", true);
            if (dropped == null) {
                return false;
            }
            roomEpoch++;
            return true;
        }
    }

    /**
     * Drops the snapshot the rule picks, for {@code cause}; with {@code exact} the room of its chunks goes back to
     * the file system at once (holes punched, the chunk file cut back to the slots still taken). Returns it, or null when none is left or it could not be dropped.
     */
    private SnapshotInfo dropOne(String cause, boolean exact) {
        List<SnapshotInfo> all = store.list();
        SnapshotInfo v = victim(all);
        if (v == null) {
            return null;
        }
        String reason = cause + ": " + given(v, v != all.getFirst());
        LOG.warn("snapshots of {}: dropping {} ({} bytes): {}", store.primary(), v.name(), v.bytesUsed(), reason);
        try {
            long given = store.delete(v.id(), "", reason, exact);
            if (given < 0) {
                return v; // deleted meanwhile: room was made all the same
            }
            if (exact) {
                LOG.warn("snapshots of {}: {} bytes of the chunk file given back to the file system ({} bytes of"
                        + " snapshots left)", store.primary(), given, store.usedBytes());
            }
        } catch (IOException e) {
            if (store.list().stream().anyMatch(i -> i.id() == v.id())) {
                LOG.error("snapshots of {}: cannot drop {}: {}", store.primary(), v.name(), e.toString());
                return null;
            }
            LOG.warn("snapshots of {}: {} dropped, but after it: {}", store.primary(), v.name(), e.toString());
        }
        listeners.forEach(l -> l.accept(v, reason));
        return v;
    }

    /** What dropping {@code v} gives up, in the operator's words. */
    private static String given(SnapshotInfo v, boolean olderKept) {
        if (protectsResync(v)) {
            return "only pre-resync snapshots protecting a resync in progress are left, so the oldest, " + v.name()
                    + " of " + v.members().keySet() + ", goes: until the resync in progress ends, no consistent copy of " + v.members().keySet()
                    + " exists on the standby (the resync going on wins: a stalled mirror protects nothing)";
        }
        return (olderKept ? "the oldest snapshot not protecting a resync in progress, " : "the oldest snapshot, ")
                + v.name() + " (" + v.bytesUsed() + " bytes), goes";
    }

    /**
     * Whether a full file system made the store give room back and the file system has less than a tenth free
     * still (the space alarm stays).
     */
    boolean diskShort() {
        if (!diskFull) {
            return false;
        }
        try {
            FileStore fs = Files.getFileStore(dir);
            if (fs.getUsableSpace() * 10 >= fs.getTotalSpace()) {
                diskFull = false;
            }
        } catch (IOException e) {
            LOG.debug("snapshots of {}: cannot read the room left in {}: {}", store.primary(), dir, e.toString());
        }
        return diskFull;
    }
}
