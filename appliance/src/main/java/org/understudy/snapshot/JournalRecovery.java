package org.understudy.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * At open: checks the preservations whose content was forced together with their journal entry and that no later
 * entry says had settled ({@link CommitBatches}). A crash between the two forces can leave such an entry on disk
 * without its content; the chunk's CRC32C then does not match what its slot holds, and the preservation is dropped.
 * That is safe: a write over the chunk is applied to the replica only after both forces, so the replica still holds
 * the content the snapshot needs. Stateless.
 */
final class JournalRecovery {
    private static final Logger LOG = LogManager.getLogger(JournalRecovery.class);

    /** The entries to replay, over the store's chunk file, and whether the journal must be rewritten at once. */
    record Replay(JournalRecord.Header header, List<JournalRecord> entries, ChunkFile chunks, boolean rewrite) {
    }

    private JournalRecovery() {
    }

    /**
     * Reads the journal's header (writing one into a new journal; a new store takes {@code chunkSize}), opens the
     * chunk file and checks the entries not known to have settled. Closes what it opened on failure.
     */
    static Replay replay(Path dir, SnapshotJournal.Opened opened, int chunkSize, String primary) throws IOException {
        Path file = dir.resolve("journal");
        List<JournalRecord> entries = opened.entries();
        if (entries.isEmpty() || !(entries.getFirst() instanceof JournalRecord.Header)) {
            if (!entries.isEmpty()) {
                opened.journal().close();
                throw new IOException(file + " does not start with a snapshot journal header");
            }
            JournalRecord.Header h = new JournalRecord.Header(SnapshotJournal.VERSION, chunkSize);
            opened.journal().appendDurably(List.of(h));
            entries = List.of(h);
        }
        JournalRecord.Header header = (JournalRecord.Header) entries.getFirst();
        if (header.version() < SnapshotJournal.OLDEST_VERSION || header.version() > SnapshotJournal.VERSION) {
            opened.journal().close();
            throw new IOException(file + ": snapshot journal version " + header.version() + " (this build reads "
                    + SnapshotJournal.OLDEST_VERSION + " to " + SnapshotJournal.VERSION + ")");
        }
        ChunkFile chunks = ChunkFile.open(dir.resolve("chunks"), header.chunkSize());
        try {
            boolean anyChecked = entries.stream().anyMatch(r -> r instanceof JournalRecord.CheckedPreserve);
            return new Replay(header, check(entries, chunks, primary), chunks,
                    anyChecked || header.version() != SnapshotJournal.VERSION);
        } catch (IOException | RuntimeException e) {
            chunks.close();
            opened.journal().close();
            throw e;
        }
    }

    /** The entries with every checked preservation made plain, less its chunks whose content is not on disk. */
    static List<JournalRecord> check(List<JournalRecord> entries, ChunkFile chunks, String primary)
            throws IOException {
        long settled = 0;
        for (JournalRecord r : entries) {
            if (r instanceof JournalRecord.CheckedPreserve c) {
                settled = Math.max(settled, c.settledThrough());
            }
        }
        List<JournalRecord> out = new ArrayList<>(entries.size());
        int checked = 0;
        int dropped = 0;
        ByteBuffer buf = null;
        for (JournalRecord r : entries) {
            if (!(r instanceof JournalRecord.CheckedPreserve c)) {
                out.add(r);
                continue;
            }
            if (c.batch() <= settled) {
                out.add(c.preserve());
                continue;
            }
            JournalRecord.Preserve p = c.preserve();
            List<Integer> keep = new ArrayList<>();
            for (int i = 0; i < p.chunks().length; i++) {
                checked++;
                if (buf == null || buf.capacity() < c.lengths()[i]) {
                    buf = ByteBuffer.allocateDirect(Math.max(c.lengths()[i], 64 * 1024));
                }
                ByteBuffer content = buf.clear().limit(c.lengths()[i]);
                boolean whole = chunks.reaches(p.slots()[i], c.lengths()[i]);
                if (whole) {
                    chunks.read(p.slots()[i], 0, content);
                    whole = crc(content.flip()) == c.crcs()[i];
                }
                if (whole) {
                    keep.add(i);
                } else {
                    dropped++;
                    LOG.warn("snapshots of {}: chunk {} of {} preserved for snapshot #{} into slot {} (commit {}, "
                            + "entries settled through commit {}) does not hold its content (CRC32C mismatch): the "
                            + "standby stopped before it reached the disk; the preservation is dropped and the "
                            + "replica, never overwritten there, still holds it", primary, p.chunks()[i], p.volume(),
                            p.id(), p.slots()[i], c.batch(), settled);
                }
            }
            out.add(new JournalRecord.Preserve(p.id(), p.volume(),
                    keep.stream().mapToLong(i -> p.chunks()[i]).toArray(),
                    keep.stream().mapToLong(i -> p.slots()[i]).toArray()));
        }
        if (checked > 0) {
            LOG.info("snapshots of {}: {} chunk(s) of commits not known to have settled checked against their CRC32C, "
                    + "{} dropped", primary, checked, dropped);
        }
        return out;
    }

    /** CRC32C of the buffer's remaining bytes (position not moved). */
    static int crc(ByteBuffer content) {
        CRC32C crc = new CRC32C();
        crc.update(content.duplicate());
        return (int) crc.getValue();
    }
}
