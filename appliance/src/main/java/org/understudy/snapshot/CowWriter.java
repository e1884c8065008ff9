package org.understudy.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.understudy.storage.NoSpace;
import org.understudy.storage.PageCacheWrites;
import org.understudy.storage.Zeros;

/**
 * The one way anything writes a replica image: replication frames and resync copies applied by the replica's link,
 * and the standby's own NBD writes while it stands in. Before a write overwrites a chunk that the volume's newest
 * snapshot still shares with the replica, the chunk's old content goes to the {@link SnapshotStore}, durably; only
 * then does the write reach the image. A write that leaves a chunk's content as it was preserves nothing (a resync
 * that copies what the replica already holds costs no snapshot space).
 *
 * <p>A {@link Batch} lets one thread apply many writes with one group commit: writes that need a preservation are
 * held back ({@link HeldWrites}) until {@link Batch#commit}, which writes the old content of the batch's chunks to the chunk file
 * with one call per run of neighbouring slots (not one per chunk), makes every preservation of the batch durable with
 * one force of the chunk file and one of the journal, then applies the held-back writes in order. A write touching no
 * held-back chunk goes to the image at once. The batch holds the store's writer gate from its first write to its
 * commit, so the standby's own cut never falls between a preservation and its write. Thread-safe; each batch is for
 * one thread.
 */
public final class CowWriter {
    private final SnapshotStore store;
    private final String volume;
    /** What a write does, for the log of a full disk: made once, not per write on the replica's hot path. */
    private final String preservingChunks;
    private final String writingReplica;
    private final FileChannel image;
    private final long size;
    private final int chunkSize;
    private final ThreadLocal<ByteBuffer> scratch;
    /** Chunks copied with one call at most: a megabyte's worth (at least one chunk). */
    private final int maxRun;
    private final AtomicLong chunkWrites = new AtomicLong();
    /** Commits that made preservations durable (two forces each), and the writes they held back. */
    private final AtomicLong preservingCommits = new AtomicLong();
    private final AtomicLong writesHeld = new AtomicLong();

    public CowWriter(SnapshotStore store, String volume, FileChannel image, long size) {
        this.store = store;
        this.volume = volume;
        this.preservingChunks = volume + ": preserving chunks";
        this.writingReplica = volume + ": writing the replica";
        this.image = image;
        this.size = size;
        this.chunkSize = store.chunkSize();
        this.maxRun = Math.max(1, (1 << 20) / chunkSize);
        this.scratch = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(maxRun * chunkSize));
    }

    public SnapshotStore store() {
        return store;
    }

    public String volume() {
        return volume;
    }

    /** A batch for one thread: see the class comment. */
    public Batch batch() {
        return new Batch(true);
    }

    /** Writes {@code src} at {@code offset}, preserving first what a snapshot still needs. */
    public void write(long offset, ByteBuffer src) throws IOException {
        Batch b = new Batch(false);
        try {
            b.write(offset, src);
            b.commit();
        } finally {
            b.discard();
        }
    }

    /** Writes zeros over {@code [offset, offset+length)}, preserving first what a snapshot still needs. */
    public void zero(long offset, long length) throws IOException {
        Batch b = new Batch(false);
        try {
            b.zero(offset, length);
            b.commit();
        } finally {
            b.discard();
        }
    }

    /** Makes every write applied so far durable on the image. */
    public void force() throws IOException {
        image.force(false);
    }

    /** Reads the live replica (never blocked by preservations). */
    public void read(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = image.read(dst, pos);
            if (n < 0) {
                throw new IOException(volume + ": read past the end of the replica at " + pos);
            }
            pos += n;
        }
    }

    /** A read-only view of this replica's member of snapshot {@code id}. */
    public SnapshotImage image(long id, String name) {
        return new SnapshotImage(store, this, id, volume, size, name);
    }

    long size() {
        return size;
    }

    /** Writes of old content to the chunk file so far (a figure for tests). */
    long chunkFileWrites() {
        return chunkWrites.get();
    }

    /**
     * How many writes each copy-on-write commit carried so far (a commit forces the chunk file and the journal once
     * each): the figure that says what a first-touch write pays in forces, for the link's log.
     */
    public String describeCommits() {
        long commits = preservingCommits.get();
        long held = writesHeld.get();
        return commits + " copy-on-write commits carrying " + held + " held writes ("
                + (commits == 0 ? "-" : String.format(Locale.ROOT, "%.1f", (double) held / commits))
                + " a commit), " + chunkWrites.get() + " chunk file writes";
    }

    /** Writes of one thread applied with one group commit. Not thread-safe. */
    public final class Batch {
        private final List<SnapshotStore.Staged> staged = new ArrayList<>();
        private final HeldWrites held;
        private final Lock gate = store.writerGate();
        private boolean gateHeld;
        private long dataTicket;
        /**
         * Old content of neighbouring slots waiting to go to the chunk file with one write (at the commit, or when
         * the next chunk's slot does not follow): a write per commit instead of one per chunk.
         */
        private ByteBuffer pendingChunks;
        private long pendingSlot;
        /** A preservation failed half-way: nothing of this batch may reach the image (see {@link #discard}). */
        private boolean failed;
        /** Whether old content waits for the commit (a link's long-lived batch) or goes at once (a single write). */
        private final boolean coalesce;

        private Batch(boolean coalesce) {
            this.coalesce = coalesce;
            // a single write commits before its caller's buffer changes: nothing to copy
            this.held = new HeldWrites(chunkSize, coalesce);
        }

        /** Writes {@code src} (its remaining bytes) at {@code offset}, now or at {@link #commit}. */
        public void write(long offset, ByteBuffer src) throws IOException {
            apply(offset, src.remaining(), src);
        }

        /** Writes zeros over the range, now or at {@link #commit}. */
        public void zero(long offset, long length) throws IOException {
            apply(offset, length, null);
        }

        /** True while writes are held back for {@link #commit}. */
        public boolean pending() {
            return !held.isEmpty();
        }

        /** Bytes of the writes held back. */
        public long heldBytes() {
            return held.bytes();
        }

        private void apply(long offset, long length, ByteBuffer data) throws IOException {
            if (length <= 0) {
                return;
            }
            if (!gateHeld) {
                gate.lock();
                gateHeld = true;
            }
            SnapshotState.Member newest = store.newest(volume);
            boolean hold = held.touches(offset, length);
            if (newest != null) {
                hold |= preserve(newest, offset, length, data);
            }
            if (hold) {
                held.add(offset, length, data);
            } else {
                writeImage(offset, length, data);
            }
        }

        /**
         * Stages the old content of every chunk the write changes that {@code m} lacks; true if any was staged.
         * Chunks next to each other that get slots next to each other are read and copied with one call each.
         */
        private boolean preserve(SnapshotState.Member m, long offset, long length, ByteBuffer data) throws IOException {
            boolean any = false;
            long last = (offset + length - 1) / chunkSize;
            long runChunk = -1;
            long runSlot = -1;
            int runLength = 0;
            for (long c = offset / chunkSize; c <= last; c++) {
                long slot = store.claim(m, c, this);
                if (slot >= 0 && runLength > 0 && slot == runSlot + runLength && runLength < maxRun) {
                    runLength++;
                    continue;
                }
                if (runLength > 0) {
                    any |= copyRun(m, runChunk, runSlot, runLength, offset, length, data);
                }
                runChunk = c;
                runSlot = slot;
                runLength = slot >= 0 ? 1 : 0;
            }
            if (runLength > 0) {
                any |= copyRun(m, runChunk, runSlot, runLength, offset, length, data);
            }
            return any;
        }

        /** Copies chunks {@code first..} (claimed into slots {@code slot..}) unless the write leaves them as they are. */
        private boolean copyRun(SnapshotState.Member m, long first, long slot, int n, long offset, long length,
                                ByteBuffer data) throws IOException {
            long start = first * chunkSize;
            ByteBuffer old = scratch.get().clear().limit((int) Math.min((long) n * chunkSize, size - start));
            boolean any = false;
            try {
                read(start, old);
                old.flip();
                int i = 0;
                while (i < n) {
                    if (unchanged(chunkOf(old, i), start + (long) i * chunkSize, offset, length, data)) {
                        store.abandon(List.of(new SnapshotStore.Staged(m, first + i, slot + i)));
                        i++;
                        continue;
                    }
                    int j = i;
                    while (j + 1 < n && !unchanged(chunkOf(old, j + 1), start + (long) (j + 1) * chunkSize, offset,
                            length, data)) {
                        j++;
                    }
                    ByteBuffer part = old.slice(i * chunkSize, Math.min((j + 1) * chunkSize, old.limit()) - i * chunkSize);
                    stageChunks(slot + i, part);
                    for (int k = i; k <= j; k++) {
                        ByteBuffer content = chunkOf(old, k);
                        staged.add(new SnapshotStore.Staged(m, first + k, slot + k, content.remaining(),
                                JournalRecovery.crc(content)));
                        held.holdChunk(first + k);
                    }
                    any = true;
                    i = j + 1;
                }
                return any;
            } catch (IOException | RuntimeException e) {
                // what is pending may hold this run's content: it must not land in slots given back (and taken again)
                failed = true;
                if (pendingChunks != null) {
                    pendingChunks.clear();
                }
                // every claim of the run goes back (abandoning one twice frees its slot once)
                List<SnapshotStore.Staged> mine = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    long chunk = first + k;
                    staged.removeIf(st -> st.member() == m && st.chunk() == chunk);
                    mine.add(new SnapshotStore.Staged(m, chunk, slot + k));
                }
                store.abandon(mine);
                throw e;
            }
        }

        /** Adds old content for slots {@code slot..} to what goes to the chunk file with the next write. */
        private void stageChunks(long slot, ByteBuffer part) throws IOException {
            if (!coalesce) {
                writeChunks(slot, part);
                return;
            }
            if (pendingChunks == null) {
                pendingChunks = ByteBuffer.allocateDirect(maxRun * chunkSize);
            }
            int at = pendingChunks.position();
            if (at > 0 && (slot * chunkSize != pendingSlot * chunkSize + at
                    || pendingChunks.remaining() < part.remaining())) {
                writePendingChunks();
            }
            if (pendingChunks.position() == 0) {
                pendingSlot = slot;
            }
            pendingChunks.put(part.duplicate());
        }

        private void writePendingChunks() throws IOException {
            if (pendingChunks != null && pendingChunks.position() > 0) {
                try {
                    writeChunks(pendingSlot, pendingChunks.flip());
                } finally {
                    pendingChunks.clear();
                }
            }
        }

        /** Writes old content into slots {@code slot..}, making room on a full file system (safe to repeat). */
        private void writeChunks(long slot, ByteBuffer content) throws IOException {
            // a full disk may drop the last snapshot of the volume: then nothing is left to preserve into
            dataTicket = store.space().withRoom(preservingChunks, () -> store.newest(volume) == null
                    ? dataTicket : store.writeChunks(slot, content.position(0)));
            chunkWrites.incrementAndGet();
        }

        private ByteBuffer chunkOf(ByteBuffer run, int i) {
            return run.slice(i * chunkSize, Math.min(chunkSize, run.limit() - i * chunkSize));
        }

        /** Whether the write leaves this chunk's bytes as {@code old} holds them. */
        private boolean unchanged(ByteBuffer old, long chunkStart, long offset, long length, ByteBuffer data) {
            long from = Math.max(offset, chunkStart);
            long to = Math.min(offset + length, chunkStart + old.remaining());
            ByteBuffer was = old.slice((int) (from - chunkStart), (int) (to - from));
            if (data == null) {
                return was.mismatch(Zeros.view(was.remaining())) < 0;
            }
            int at = data.position() + (int) (from - offset);
            return was.mismatch(data.slice(at, (int) (to - from))) < 0;
        }

        /**
         * Makes the batch's preservations durable (one force of the chunk file, one of the journal), then applies the
         * held-back writes in order and lets go of the writer gate.
         */
        public void commit() throws IOException {
            try {
                if (failed) {
                    throw new IOException(volume + ": a preservation of this batch failed; its writes are not applied");
                }
                if (!staged.isEmpty()) {
                    writePendingChunks();
                    List<SnapshotStore.Staged> mine = List.copyOf(staged);
                    staged.clear();
                    store.commit(mine, dataTicket);
                    preservingCommits.incrementAndGet();
                    writesHeld.addAndGet(held.writes().size());
                }
                for (HeldWrites.Held h : held.writes()) {
                    writeImage(h.offset(), h.length(), h.data());
                }
            } finally {
                held.clear();
                releaseGate();
            }
        }

        /** Drops whatever was not committed (the caller failed): staged slots back, held writes forgotten. */
        public void discard() {
            failed = false;
            if (pendingChunks != null) {
                pendingChunks.clear();
            }
            if (!staged.isEmpty()) {
                store.abandon(List.copyOf(staged));
                staged.clear();
            }
            held.clear();
            releaseGate();
        }

        private void releaseGate() {
            if (gateHeld) {
                gateHeld = false;
                gate.unlock();
            }
        }
    }

    /** Writes the image; when its file system is full, the snapshots give room back first (see SnapshotStore). */
    private void writeImage(long offset, long length, ByteBuffer data) throws IOException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException(volume + ": range " + offset + "+" + length + " outside the replica of "
                    + size + " bytes");
        }
        if (data != null) {
            // the usual case first, without the room-making wrapper (a lambda per write): only a full file system
            // takes the way through StoreSpace, which writes again from the start once it made room
            int start = data.position();
            try {
                PageCacheWrites.write(image, data, offset);
                return;
            } catch (IOException e) {
                if (!NoSpace.is(e)) {
                    throw e;
                }
                data.position(start);
            }
        }
        store.space().withRoom(writingReplica, () -> {
            if (data == null) {
                Zeros.write(image, offset, length);
            } else {
                PageCacheWrites.write(image, data.duplicate(), offset);
            }
            return null;
        });
        if (data != null) {
            data.position(data.limit());
        }
    }
}
