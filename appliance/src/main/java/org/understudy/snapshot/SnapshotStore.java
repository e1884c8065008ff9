package org.understudy.snapshot;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.SnapshotKind;

/**
 * The snapshots of one primary's replicas on the standby: a journal of every change ({@link SnapshotJournal}) and a
 * file of preserved chunks ({@link ChunkFile}) in {@code replicas/<primary>/snapshots/}, with the state they replay
 * to ({@link SnapshotState}). Each replica's {@link CowWriter} preserves old content here before it overwrites a chunk
 * a snapshot still shares; each {@link SnapshotImage} reads a member through here.
 *
 * <p>Durability: a change takes effect only once its journal entry is forced; a preserved chunk's content is forced
 * together with the entry that names it, which carries the content's CRC32C ({@link CheckedCommits}), and no write
 * over the chunk reaches the replica before both are done. So a SIGKILL or a power cut at any moment leaves a journal
 * that replays (after {@link JournalRecovery} drops an entry whose content did not reach the disk) to a state the
 * store was in, where every snapshot reads its point in time. A snapshot begun but never completed
 * is dropped at the next open.
 *
 * <p>Space ({@link StoreSpace}): the oldest snapshot is dropped (listeners told) whenever the preserved chunks pass the
 * limit set, or the file system refuses a write of the store or of a replica image for lack of room, so the mirror
 * never waits for space.
 *
 * <p>Locks, in this order: the {@link #gate} (writers shared; a cut of the standby's own across volumes exclusive),
 * the journal lock (commits shared; deletions and compaction exclusive), the state monitor (short, never held across
 * I/O but the journal append). Thread-safe.
 */
public final class SnapshotStore implements Closeable {
    private static final Logger LOG = LogManager.getLogger(SnapshotStore.class);
    private static final long COMPACT_MIN_BYTES = 1 << 20;
    private static final long READERS_WAIT_MILLIS = 10_000;

    private final String primary;
    private final Path dir;
    private final SnapshotJournal journal;
    private final ChunkFile chunks;
    private final SnapshotState state;
    private final int chunkSize;
    private volatile long spaceLimit;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final ReentrantReadWriteLock journalLock = new ReentrantReadWriteLock();
    private final ChunkClaims claims = new ChunkClaims();
    private final CheckedCommits commits;
    private final StoreSpace space;

    private SnapshotStore(String primary, Path dir, SnapshotJournal journal, ChunkFile chunks, SnapshotState state,
                          long spaceLimit) {
        this.primary = primary;
        this.dir = dir;
        this.journal = journal;
        this.chunks = chunks;
        this.state = state;
        this.chunkSize = state.chunkSize();
        this.spaceLimit = spaceLimit;
        this.commits = new CheckedCommits(journal, chunks, primary);
        this.space = new StoreSpace(this, dir);
    }

    /**
     * Opens (creating) the store in {@code dir}. A new store takes {@code chunkSize}; an existing one keeps the chunk
     * size it was made with. Snapshots never completed are dropped.
     */
    public static SnapshotStore open(Path dir, String primary, int chunkSize, long spaceLimit) throws IOException {
        if (chunkSize < 4096 || Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("snapshot chunk size " + chunkSize + " is not a power of two >= 4096");
        }
        Files.createDirectories(dir);
        SnapshotJournal.Opened opened = SnapshotJournal.open(dir.resolve("journal"));
        JournalRecovery.Replay replay = JournalRecovery.replay(dir, opened, chunkSize, primary);
        SnapshotState state = new SnapshotState();
        replay.entries().forEach(state::apply);
        SnapshotStore s = new SnapshotStore(primary, dir, opened.journal(), replay.chunks(), state, spaceLimit);
        if (replay.rewrite()) {
            // checked entries go (a later run's commits would count them as settled); an older format is upgraded
            s.compact();
        }
        JournalRecord.Header header = replay.header();
        if (header.chunkSize() != chunkSize) {
            LOG.info("snapshots of {}: the store keeps its chunk size of {} bytes (configured: {})", primary,
                    header.chunkSize(), chunkSize);
        }
        for (SnapshotInfo i : s.list()) {
            if (!i.complete()) {
                s.delete(i.id(), "", "its cut was not complete when the standby stopped");
            }
        }
        s.compactIfLarge();
        LOG.info("snapshots of {}: {} snapshot(s), {} bytes preserved in {} ({} entries replayed)", primary,
                s.list().size(), s.usedBytes(), dir, replay.entries().size());
        return s;
    }

    public String primary() {
        return primary;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Bytes the preserved chunks take (what the space limit counts). */
    public long usedBytes() {
        synchronized (state) {
            return state.slotsInUse() * chunkSize;
        }
    }

    public long spaceLimit() {
        return spaceLimit;
    }

    public void spaceLimit(long bytes) {
        spaceLimit = bytes;
    }

    /** Told of every snapshot the store drops by itself (space limit, full file system), with why. */
    public void onDropped(BiConsumer<SnapshotInfo, String> listener) {
        space.onDropped(listener);
    }

    /** Whether a full file system made the store give room back and it has less than a tenth free still. */
    public boolean diskShort() {
        return space.diskShort();
    }

    /** Every snapshot, oldest first. */
    public List<SnapshotInfo> list() {
        synchronized (state) {
            List<SnapshotInfo> out = new ArrayList<>();
            for (SnapshotState.Snap s : state.snaps().values()) {
                out.add(info(s));
            }
            return out;
        }
    }

    private SnapshotInfo info(SnapshotState.Snap s) {
        return state.info(s, primary);
    }

    // ---- lifecycle of a snapshot --------------------------------------------------------------------------------

    /** Announces a snapshot of {@code volumes}; members are sealed next, then it is completed. Returns its id. */
    public long begin(String name, Instant created, SnapshotKind kind, boolean primaryCut, List<String> volumes,
                      List<String> labels) throws IOException {
        long id;
        synchronized (state) {
            id = state.nextId();
            for (SnapshotState.Snap s : state.snaps().values()) {
                if (s.name.equals(name) && !java.util.Collections.disjoint(s.volumes, volumes)) {
                    throw new IllegalArgumentException(primary + " already has a snapshot named " + name + " of "
                            + s.volumes);
                }
            }
            // reserve the id before the entry is durable: two begins never share one
            state.apply(new JournalRecord.Begin(id, name, created.toEpochMilli(), kind, primaryCut, volumes, labels));
        }
        try {
            durable(List.of(new JournalRecord.Begin(id, name, created.toEpochMilli(), kind, primaryCut, volumes,
                    labels)), false);
        } catch (IOException | RuntimeException e) {
            synchronized (state) {
                state.apply(new JournalRecord.Delete(id, "", "begin failed"));
            }
            throw e;
        }
        return id;
    }

    /**
     * Takes the member of {@code volume} at this point: from now on writes preserve into it. The caller is the
     * volume's only writer at this moment (its replication session applying the cut marker) or holds the
     * {@link #exclusiveCut} gate.
     */
    public void seal(long id, String volume, boolean consistent) throws IOException {
        durable(List.of(new JournalRecord.Seal(id, volume, consistent)), true);
    }

    public void complete(long id) throws IOException {
        durable(List.of(new JournalRecord.Complete(id)), true);
    }

    /** Changes what keeps a snapshot: its schedule labels, its expiry (null: none) and whether it is held. */
    public void update(long id, List<String> labels, Instant expires, boolean held) throws IOException {
        durable(List.of(new JournalRecord.Update(id, labels, expires == null ? -1 : expires.toEpochMilli(), held)),
                true);
    }

    /**
     * Runs {@code cut} while no write of any of this primary's replicas is under way or can start: the standby's own
     * cut across the primary's volumes (its links are down, or the standby serves the volumes itself).
     */
    public void exclusiveCut(IoAction cut) throws IOException {
        gate.writeLock().lock();
        try {
            cut.run();
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** An action that may fail with an I/O error. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    /**
     * Deletes the member of {@code volume} (empty: the whole snapshot) once reads under way on it ended; returns
     * false when there was no such snapshot.
     */
    public boolean delete(long id, String volume, String reason) throws IOException {
        return delete(id, volume, reason, false) >= 0;
    }

    /** {@link #delete}; with {@code giveBack} the room it frees goes back to the file system now: bytes, or -1. */
    long delete(long id, String volume, String reason, boolean giveBack) throws IOException {
        List<SnapshotState.Member> going = new ArrayList<>();
        long given = 0;
        synchronized (state) {
            SnapshotState.Snap s = state.snap(id);
            if (s == null) {
                return -1;
            }
            for (SnapshotState.Member m : s.members.values()) {
                if (volume.isEmpty() || m.volume.equals(volume)) {
                    m.closing = true;
                    going.add(m);
                }
            }
            long deadline = System.nanoTime() + READERS_WAIT_MILLIS * 1_000_000;
            while (going.stream().anyMatch(m -> m.readers > 0) && System.nanoTime() < deadline) {
                try {
                    state.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the readers of snapshot " + s.name);
                }
            }
        }
        journalLock.writeLock().lock();
        try {
            // durable before any freed slot can be taken again: a crash never revives a snapshot over reused slots
            journal.appendDurably(List.of(new JournalRecord.Delete(id, volume, reason)));
            synchronized (state) {
                java.util.BitSet freed = state.slotsTaken();
                state.apply(new JournalRecord.Delete(id, volume, reason));
                freed.andNot(state.slotsTaken());
                // under the monitor: no freed slot is taken again before its hole is punched
                given = giveBack ? chunks.giveBack(freed, state.slotHighWater())
                        : chunks.truncate(state.slotHighWater());
                state.notifyAll();
            }
        } finally {
            journalLock.writeLock().unlock();
        }
        compactIfLarge();
        return given;
    }

    // ---- copy on write (for CowWriter) ---------------------------------------------------------------------------

    /** The gate every writer of this primary's replicas holds shared while it writes. */
    ReentrantReadWriteLock.ReadLock writerGate() {
        return gate.readLock();
    }

    /** The member writes to {@code volume} preserve into, or null when none is live. */
    SnapshotState.Member newest(String volume) {
        synchronized (state) {
            return state.newest(volume);
        }
    }

    /** A preservation under way: {@code chunk} of {@code volume} copied into {@code slot}, for {@code member}. */
    record Staged(SnapshotState.Member member, long chunk, long slot, int length, int crc) {
        /** A claim given back before its content was written (nothing to check). */
        Staged(SnapshotState.Member member, long chunk, long slot) {
            this(member, chunk, slot, 0, 0);
        }
    }

    /**
     * Claims {@code chunk} for preservation into {@code member} by {@code owner}: a new slot to copy it into, or -1
     * when nothing is to be done (the member holds it, or this owner claimed it already). Waits while another owner's
     * preservation of the same chunk is under way.
     */
    long claim(SnapshotState.Member member, long chunk, Object owner) throws IOException {
        synchronized (state) {
            while (true) {
                Object other = claims.owner(member, chunk);
                if (member.chunks.contains(chunk) || other == owner) {
                    return -1;
                }
                if (other == null) {
                    claims.take(member, chunk, owner);
                    return state.allocate();
                }
                try {
                    state.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while another write preserved the same chunk");
                }
            }
        }
    }

    /** Writes staged chunks' old content into slots {@code slot..}; returns the data ticket. */
    long writeChunks(long slot, ByteBuffer content) throws IOException {
        return chunks.write(slot, content);
    }

    /** How room is kept: writes that make room when the file system has none ({@link StoreSpace#withRoom}). */
    StoreSpace space() {
        return space;
    }

    /** Gives back every byte of the chunk file above the slots taken (grown ahead); returns how many. */
    long giveBack() throws IOException {
        synchronized (state) {
            return chunks.giveBack(new java.util.BitSet(), state.slotHighWater());
        }
    }

    /**
     * Makes staged preservations take effect: their content and their journal entries durable ({@link
     * CheckedCommits}), then the state. A member deleted meanwhile hands the chunk to the volume's newest member if
     * that one lacks it (it holds the same content: the replica is not overwritten yet). Then drops the oldest
     * snapshots while over the limit.
     */
    void commit(List<Staged> staged, long dataTicket) throws IOException {
        if (staged.isEmpty()) {
            return;
        }
        List<Staged> kept = new ArrayList<>();
        journalLock.readLock().lock();
        try {
            Map<SnapshotState.Member, List<Staged>> byMember = new LinkedHashMap<>();
            synchronized (state) {
                List<Staged> dropped = new ArrayList<>();
                for (Staged s : staged) {
                    SnapshotState.Member target = s.member();
                    if (target.snap.members.get(target.volume) != target) {
                        target = state.newest(s.member().volume);
                    }
                    if (target == null || target.chunks.contains(s.chunk())) {
                        dropped.add(s);
                        continue;
                    }
                    kept.add(s);
                    byMember.computeIfAbsent(target, k -> new ArrayList<>()).add(s);
                }
                giveBack(dropped);
            }
            List<JournalRecord.Preserve> records = byMember.isEmpty() ? List.of() : commits.force(byMember, dataTicket);
            synchronized (state) {
                records.forEach(state::apply);
                unclaim(kept);
            }
        } catch (IOException | RuntimeException e) {
            abandon(kept);
            throw e;
        } finally {
            journalLock.readLock().unlock();
        }
        space.enforceLimit();
    }

    /** Gives up staged preservations (their write failed): slots back, claims released. */
    void abandon(List<Staged> staged) {
        synchronized (state) {
            giveBack(staged);
        }
    }

    /** Under the state monitor: the slots of staged preservations that will not be kept, and their claims. */
    private void giveBack(List<Staged> staged) {
        for (Staged s : staged) {
            if (claims.release(s.member(), s.chunk())) {
                state.release(s.slot());
            }
        }
        state.notifyAll();
    }

    private void unclaim(List<Staged> staged) {
        for (Staged s : staged) {
            claims.release(s.member(), s.chunk());
        }
        state.notifyAll();
    }

    // ---- reading a member (for SnapshotImage) -----------------------------------------------------------------

    /** The member of {@code volume} in snapshot {@code id}, counted as read until {@link #endRead}. */
    SnapshotState.Member beginRead(long id, String volume) throws IOException {
        synchronized (state) {
            SnapshotState.Snap s = state.snap(id);
            SnapshotState.Member m = s == null ? null : s.members.get(volume);
            if (m == null || m.closing) {
                throw new IOException("snapshot " + (s == null ? "#" + id : s.name) + " of " + primary + "/" + volume
                        + " is gone");
            }
            m.readers++;
            return m;
        }
    }

    void endRead(SnapshotState.Member m) {
        synchronized (state) {
            m.readers--;
            if (m.readers == 0) {
                state.notifyAll();
            }
        }
    }

    /** For chunks {@code first..first+slots.length-1}: the slot each reads from, or -1 for the live replica. */
    void resolve(SnapshotState.Member m, long first, long[] slots) {
        synchronized (state) {
            for (int i = 0; i < slots.length; i++) {
                slots[i] = state.resolve(m, first + i);
            }
        }
    }

    void readChunk(long slot, int offsetInChunk, ByteBuffer dst) throws IOException {
        chunks.read(slot, offsetInChunk, dst);
    }

    // ---- housekeeping -------------------------------------------------------------------------------------------

    private void compactIfLarge() throws IOException {
        long estimate;
        synchronized (state) {
            estimate = 64 + 256L * state.snaps().size() + 16L * state.slotsInUse();
        }
        if (journal.size() >= Math.max(COMPACT_MIN_BYTES, 4 * estimate)) {
            compact();
        }
    }

    /** Rewrites the journal as the entries that rebuild the current state (no commit runs meanwhile). */
    private void compact() throws IOException {
        journalLock.writeLock().lock();
        try {
            List<JournalRecord> entries;
            synchronized (state) {
                entries = state.entries();
            }
            journal.rewrite(entries);
        } finally {
            journalLock.writeLock().unlock();
        }
    }

    private void durable(List<JournalRecord> records, boolean applyAfter) throws IOException {
        journalLock.readLock().lock();
        try {
            journal.appendDurably(records);
            if (applyAfter) {
                synchronized (state) {
                    records.forEach(state::apply);
                }
            }
        } finally {
            journalLock.readLock().unlock();
        }
    }

    @Override
    public void close() throws IOException {
        commits.close();
        try {
            journal.close();
        } finally {
            chunks.close();
        }
    }

    @Override
    public String toString() {
        return "snapshots of " + primary + " in " + dir;
    }
}
