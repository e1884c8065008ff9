package org.understudy.snapshot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The durable part of a copy-on-write commit: the preserved chunks' content and the journal entries naming them are
 * forced at the same time (the chunk file's force on the store's {@link ForceThread}, the journal's on the caller's),
 * one fsync's wait instead of two in a row. The entries carry each chunk's length and CRC32C ({@link
 * JournalRecord.CheckedPreserve}), so an open after a crash between the two forces finds an entry whose content did
 * not reach the disk and drops it ({@link JournalRecovery}); no write over those chunks reaches the replica before
 * both forces are done, so the replica still holds that content.
 *
 * <p>Commits are numbered; a commit whose two forces are done has settled, and each entry says how far commits have
 * settled, which bounds what the next open must check to the commits still under way at the crash. A commit that
 * fails never settles. Thread-safe.
 */
final class CheckedCommits implements AutoCloseable {
    /** How long the forcing thread waits for the next commit before it ends (a new one starts with the next). */
    static final long FORCE_THREAD_IDLE_MILLIS = 2_000;

    private final SnapshotJournal journal;
    private final ForceThread dataForce;
    private final TreeSet<Long> open = new TreeSet<>();
    private long next = 1;

    CheckedCommits(SnapshotJournal journal, ChunkFile chunks, String primary) {
        this.journal = journal;
        this.dataForce = new ForceThread("snapshot-force-" + primary, chunks::forceUpTo, FORCE_THREAD_IDLE_MILLIS);
    }

    /**
     * Makes durable the content of every chunk ticketed up to {@code dataTicket} and an entry per member preserving
     * the chunks staged for it; returns those entries as plain preservations, for the state.
     */
    List<JournalRecord.Preserve> force(Map<SnapshotState.Member, List<SnapshotStore.Staged>> byMember, long dataTicket)
            throws IOException {
        long batch;
        long settled;
        synchronized (this) {
            batch = next++;
            open.add(batch);
            settled = settledThrough();
        }
        List<JournalRecord.Preserve> records = new ArrayList<>(byMember.size());
        List<JournalRecord> entries = new ArrayList<>(byMember.size());
        byMember.forEach((m, list) -> {
            JournalRecord.Preserve p = new JournalRecord.Preserve(m.snap.id, m.volume,
                    list.stream().mapToLong(SnapshotStore.Staged::chunk).toArray(),
                    list.stream().mapToLong(SnapshotStore.Staged::slot).toArray());
            records.add(p);
            entries.add(new JournalRecord.CheckedPreserve(p, list.stream().mapToInt(SnapshotStore.Staged::length)
                    .toArray(), list.stream().mapToInt(SnapshotStore.Staged::crc).toArray(), batch, settled));
        });
        ForceThread.Request data = dataForce.start(dataTicket);
        try {
            journal.forceUpTo(journal.append(entries));
        } finally {
            // whatever the journal did, the chunk file's force ends before the commit does (or fails)
            dataForce.await(data);
        }
        synchronized (this) {
            open.remove(batch);
        }
        return records;
    }

    /** The highest commit number up to which every commit has settled. */
    synchronized long settledThrough() {
        return open.isEmpty() ? next - 1 : open.first() - 1;
    }

    /** Ends the forcing thread once it served the commits under way. */
    @Override
    public void close() {
        dataForce.close();
    }
}
