package org.understudy.replica;

import org.understudy.resync.IdentityStore;
import org.understudy.resync.VolumeIdentity;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.snapshot.CowWriter;
import org.understudy.snapshot.SnapshotStore;
import org.understudy.storage.BlockDevice;

/**
 * One replica on the standby: a raw image file of exactly the volume's size and its {@link ReplicaMetadata}. At most
 * one link applies frames to it at a time ({@link #attach}); a newer authenticated link for the same volume
 * supersedes the old one. Every write reaches the image through its {@link CowWriter}, which preserves first what a
 * snapshot of the replica still shares: the link's frames through an {@link Applier} (the session's thread) and
 * {@link #writeAlone} (its {@link ApplyPipeline}'s appliers, to disjoint ranges), the standby's own writes while it
 * stands in through {@link #device}. Thread-safe: counters are atomic, the link's data operations are called by the
 * one attached session and its appliers.
 */
public final class Replica implements Closeable {
    private final String primary;
    private final VolumeConfig volume;
    private final Path image;
    private final Path metaFile;
    private final FileChannel channel;
    private final CowWriter writer;
    private final Clock wallClock;
    private final ReentrantLock applyLock = new ReentrantLock();
    private final AtomicReference<ReplicaSession> attached = new AtomicReference<>();
    private volatile ReplicaMetadata meta;
    private final Path identityFile;
    private volatile VolumeIdentity identity;
    private volatile boolean syncing;
    private volatile boolean awaitingDecision;
    /** The image still holds the last consistent state (consistent, or nothing written since it last was). */
    private volatile boolean pristine;
    private volatile long syncHighWater;
    final AtomicLong bytesApplied = new AtomicLong();
    final AtomicLong writesApplied = new AtomicLong();
    private final StorageHealth storage;

    private Replica(String primary, VolumeConfig volume, Path image, Path metaFile, FileChannel channel,
                    ReplicaMetadata meta, Clock wallClock, SnapshotStore snapshots) {
        this.writer = new CowWriter(snapshots, volume.name(), channel, volume.size());
        this.primary = primary;
        this.volume = volume;
        this.image = image;
        this.metaFile = metaFile;
        this.channel = channel;
        this.meta = meta;
        this.wallClock = wallClock;
        this.identityFile = image.resolveSibling(volume.name() + ".identity");
        this.pristine = meta.consistent();
        this.storage = new StorageHealth(primary, volume.name());
    }

    /** Who is told when this replica's storage fails its link's writes, and when a resync ends that. */
    void storageActivity(LinkActivity activity) {
        storage.activity(activity);
    }

    /** Whether its storage failed a write of the link since the last completed resync. */
    boolean storageFailing() {
        return storage.failing();
    }

    /** Where the replica image of {@code primary}'s {@code volume} lives on the standby. */
    public static Path imagePath(StandbyConfig standby, String primary, String volume) {
        return standby.replicaDir().resolve(primary).resolve(volume + ".img");
    }

    /**
     * Path of the replica's {@link VolumeIdentity} (generations, consistency, epoch) next to the image: the standby's
     * half of every resync decision, and the source of truth for the fencing epoch of this volume.
     */
    public static Path identityPath(StandbyConfig standby, String primary, String volume) {
        return standby.replicaDir().resolve(primary).resolve(volume + ".identity");
    }

    /** Path of the metadata file next to the image. */
    public static Path metadataPath(StandbyConfig standby, String primary, String volume) {
        return standby.replicaDir().resolve(primary).resolve(volume + ".meta");
    }

    /**
     * Opens the replica, creating a fresh sparse image and its metadata when none exists. An image of another size
     * than the volume is refused, never truncated.
     */
    static Replica open(StandbyConfig standby, String primary, VolumeConfig volume, Clock wallClock,
                        SnapshotStore snapshots) throws IOException {
        Path image = imagePath(standby, primary, volume.name());
        Path metaFile = metadataPath(standby, primary, volume.name());
        Files.createDirectories(image.getParent());
        boolean created = !Files.exists(image);
        FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ReplicaMetadata meta;
            if (created || ch.size() == 0) {
                ch.write(ByteBuffer.wrap(new byte[1]), volume.size() - 1);
                ch.force(true);
                meta = new ReplicaMetadata(volume.size(), false, true, wallClock.instant());
                meta.store(metaFile);
            } else {
                if (ch.size() != volume.size()) {
                    throw new IOException(image + " is " + ch.size() + " bytes but volume " + primary + "/"
                            + volume.name() + " is " + volume.size() + " (refusing to resize a replica)");
                }
                meta = Files.exists(metaFile) ? ReplicaMetadata.load(metaFile)
                        : new ReplicaMetadata(volume.size(), false, false, wallClock.instant());
                if (meta.size() != volume.size()) {
                    meta = new ReplicaMetadata(volume.size(), false, false, wallClock.instant());
                    meta.store(metaFile);
                }
            }
            Replica r = new Replica(primary, volume, image, metaFile, ch, meta, wallClock, snapshots);
            r.identity = created ? VolumeIdentity.fresh() : IdentityStore.load(r.identityFile).orElse(VolumeIdentity.fresh());
            if (created) {
                IdentityStore.save(r.identityFile, r.identity);
            }
            return r;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public String primary() {
        return primary;
    }

    public VolumeConfig volume() {
        return volume;
    }

    public Path image() {
        return image;
    }

    public boolean consistent() {
        return meta.consistent();
    }

    public boolean fresh() {
        return meta.fresh();
    }

    boolean syncing() {
        return syncing;
    }

    /**
     * True from a new link's attach until its primary's first SYNC_BEGIN: the primary decides from the identity
     * exchange whether the replica is in sync (and says so with its SYNC_BEGIN .. SYNC_END), so until then a
     * consistent replica is not shown IN_SYNC. Regression: 67-87 ms of false IN_SYNC after most primary restarts.
     */
    boolean awaitingDecision() {
        return awaitingDecision;
    }

    /** Rough sync progress, 0..100, from the highest offset a sync frame reached. */
    double syncPercent() {
        if (meta.consistent() && !syncing) {
            return 100.0;
        }
        return syncing ? Math.min(100.0, 100.0 * syncHighWater / volume.size()) : 0.0;
    }

    ReplicaSession attachedSession() {
        return attached.get();
    }

    /**
     * Makes {@code session} the one applying frames: the previous session, if any, is closed and this call waits
     * until it has stopped applying. Returns false if the old one did not stop within the timeout.
     */
    boolean attach(ReplicaSession session, long timeoutMillis) throws InterruptedException {
        awaitingDecision = true;
        ReplicaSession old = attached.getAndSet(session);
        if (old != null && old != session) {
            old.close("superseded by a newer link from " + session.remote());
        }
        return applyLock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    void detach(ReplicaSession session) {
        attached.compareAndSet(session, null);
        if (applyLock.isHeldByCurrentThread()) {
            syncing = false;
            applyLock.unlock();
        }
    }

    /** The one writer of this replica's image (snapshot images are read through it too). */
    public CowWriter writer() {
        return writer;
    }

    /** The snapshots of this replica's primary. */
    public SnapshotStore snapshots() {
        return writer.store();
    }

    /** How the attached link applies its frames: many writes per group commit (see {@link CowWriter.Batch}). */
    Applier applier() {
        return new Applier(writer.batch());
    }

    /**
     * The link's writes: held back where a snapshot needs a preservation first, applied at {@link #commit}, which the
     * session calls before every acknowledgement and before anything that must see the writes (a read, a digest, a
     * flush, a cut). Used by the one attached session's thread.
     */
    final class Applier {
        private final CowWriter.Batch batch;

        private Applier(CowWriter.Batch batch) {
            this.batch = batch;
        }

        void write(long offset, ByteBuffer data) throws IOException {
            int n = data.remaining();
            touch();
            try {
                batch.write(offset, data);
            } catch (IOException e) {
                throw storage.failed(e);
            }
            bytesApplied.addAndGet(n);
            writesApplied.incrementAndGet();
            noteSync(offset + n);
        }

        void zero(long offset, long length) throws IOException {
            touch();
            try {
                batch.zero(offset, length);
            } catch (IOException e) {
                throw storage.failed(e);
            }
            bytesApplied.addAndGet(length);
            writesApplied.incrementAndGet();
            noteSync(offset + length);
        }

        private void touch() {
            if (!meta.consistent()) {
                pristine = false;
            }
        }

        /** Whether writes are held back for {@link #commit} (a snapshot's preservations go first). */
        boolean pending() {
            return batch.pending();
        }

        /** Applies every write taken so far (their preservations durable first). */
        void commit() throws IOException {
            try {
                batch.commit();
            } catch (IOException e) {
                throw storage.failed(e);
            }
        }

        /** Forgets writes not committed (the link died: they were never acknowledged). */
        void discard() {
            batch.discard();
        }
    }

    /**
     * One write of the link applied by itself, on any thread (an applier of the session's {@link ApplyPipeline}): its
     * own commit through the {@link CowWriter} (shared writer gate, preservations durable first), counted like the
     * {@link Applier}'s. The session keeps it off every range a write still in flight or held back touches.
     */
    void writeAlone(long offset, ByteBuffer data) throws IOException {
        int n = data.remaining();
        if (!meta.consistent()) {
            pristine = false;
        }
        try {
            writer.write(offset, data);
        } catch (IOException e) {
            throw storage.failed(e);
        }
        bytesApplied.addAndGet(n);
        writesApplied.incrementAndGet();
        noteSync(offset + n);
    }

    /**
     * The replica as a block device for the standby serving it itself (standing in): reads from the image, writes
     * through the {@link CowWriter} like every other write. Closing it does not close the replica.
     */
    public BlockDevice device(String name) {
        return new ReplicaDevice(this, name);
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset} (a READ from a primary whose local disk failed). */
    void read(long offset, ByteBuffer dst) throws IOException {
        writer.read(offset, dst);
    }

    /** CRC32C of each {@code region}-sized piece of {@code [offset, offset+length)}, 4 bytes each, big-endian. */
    ByteBuffer digest(long offset, long length, int region) throws IOException {
        return org.understudy.replication.RegionDigests.of((pos, dst) -> read(pos, dst), offset, length, region);
    }

    void force() throws IOException {
        try {
            writer.force();
        } catch (IOException e) {
            throw storage.failed(e);
        }
    }

    /** Before the first byte of data lands: the image is no longer known to be all zeros (durably). */
    void ensureNotFresh() throws IOException {
        if (meta.fresh()) {
            storeMeta(meta.with(meta.consistent(), false, wallClock.instant()));
        }
    }

    /** SYNC_BEGIN: durably inconsistent (metadata and identity) before any sync write is applied. */
    void beginSync() throws IOException {
        syncing = true;
        awaitingDecision = false;
        syncHighWater = 0;
        try {
            storeMeta(meta.with(false, false, wallClock.instant()));
            updateIdentity(id -> id.consistent() ? id.beginResyncAsTarget() : id);
        } catch (IOException e) {
            throw storage.failed(e);
        }
    }

    /** SYNC_END: data forced, then durably consistent, holding {@code source}'s generation. */
    void endSync(VolumeIdentity source) throws IOException {
        try {
            channel.force(false);
            if (source != null) {
                updateIdentity(id -> id.completeResyncFrom(source));
            }
            storeMeta(meta.with(true, false, wallClock.instant()));
        } catch (IOException e) {
            throw storage.failed(e);
        }
        syncing = false;
        pristine = true;
        storage.resyncCompleted();
    }

    /**
     * Whether the image still holds the replica's last consistent state: it is consistent, or a resync began but
     * wrote nothing yet (a link lost right after its SYNC_BEGIN). Not kept across a restart.
     */
    boolean pristine() {
        return pristine && !fresh();
    }

    /** The replica's identity as last saved. */
    public VolumeIdentity identity() {
        return identity;
    }

    /**
     * Raises the replica's fencing epoch (never lowers it), durably: from then on a link from a primary at an older
     * epoch is refused at its handshake. A link already attached at an older epoch is closed. The failover engine
     * fences a primary this way before standing in.
     */
    public void raiseEpoch(long newEpoch) throws IOException {
        updateIdentity(id -> newEpoch > id.epoch() ? id.withEpoch(newEpoch) : id);
        ReplicaSession s = attached.get();
        if (s != null && s.primaryEpoch() < newEpoch) {
            s.close("fenced: epoch raised to " + newEpoch);
        }
    }

    /**
     * The replica starts being written on its own (the standby stands in): a new generation whose bitmap base is the
     * one it shared with the primary, so a later reconnect is decided (failback, or split brain if both wrote). The
     * returned stand-in bitmap records every region changed since that base and must be marked before each write:
     * a new, clean one when the replica was in step with its primary, else the one kept since the earlier divergence
     * (a second takeover before a failback completed keeps accumulating). It exists before the new generation is
     * saved, so no stand-in write can go unrecorded.
     */
    public StandInBitmap beginStandIn(java.util.random.RandomGenerator rnd) throws IOException {
        VolumeIdentity id = identity;
        StandInBitmap bitmap = id.bitmapBase().isNone()
                ? StandInBitmap.startFresh(toString(), standInBitmapPath(), volume.size(), volume.mirror().regionSize())
                : StandInBitmap.resume(toString(), standInBitmapPath(), volume.size(), volume.mirror().regionSize());
        try {
            updateIdentity(x -> x.startNewGeneration(rnd));
        } catch (IOException | RuntimeException e) {
            bitmap.close();
            throw e;
        }
        return bitmap;
    }

    /**
     * A further generation while the stand-in bitmap already open keeps counting from the same base: the standby
     * serves again after a failback failed at its last step, and the primary may have taken the previous one.
     */
    public void startNewGeneration(java.util.random.RandomGenerator rnd) throws IOException {
        updateIdentity(id -> id.startNewGeneration(rnd));
    }

    /** After a standby restart while standing in: the stand-in bitmap kept so far (same generation). */
    public StandInBitmap resumeStandIn() throws IOException {
        return StandInBitmap.resume(toString(), standInBitmapPath(), volume.size(), volume.mirror().regionSize());
    }

    /**
     * The primary took this replica's data and identity back (failback completed, the stand-in's bitmap closed):
     * the two copies are in step again, so the identity stops counting from a base and the bitmap goes.
     */
    public void failbackCompleted() throws IOException {
        updateIdentity(VolumeIdentity::completeResyncAsSource);
        Files.deleteIfExists(standInBitmapPath());
    }

    private Path standInBitmapPath() {
        return StandInBitmap.path(image, volume.name());
    }

    /**
     * Read, change and save the identity as one step: the link thread (resync begin/end) and the failover engine
     * (epoch raise, new generation) both change it, and a change computed from a stale copy would undo the other's,
     * e.g. a resync ending just as the epoch is raised must not write the old epoch back.
     */
    private synchronized void updateIdentity(java.util.function.UnaryOperator<VolumeIdentity> change)
            throws IOException {
        VolumeIdentity next = change.apply(identity);
        if (next != identity) {
            IdentityStore.save(identityFile, next);
            identity = next;
        }
    }

    private synchronized void noteSync(long end) {
        if (syncing && end > syncHighWater) {
            syncHighWater = end;
        }
    }

    private synchronized void storeMeta(ReplicaMetadata m) throws IOException {
        m.store(metaFile);
        meta = m;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return primary + "/" + volume.name();
    }

    ReplicaMetadata metadata() {
        return meta;
    }

    Clock wallClock() {
        return wallClock;
    }
}
