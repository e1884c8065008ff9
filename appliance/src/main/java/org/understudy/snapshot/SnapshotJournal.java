package org.understudy.snapshot;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.DurableFiles;
import org.understudy.storage.Zeros;

/**
 * The append-only journal of one primary's snapshot store: every change to the snapshots is an entry appended and
 * forced before it takes effect, so after a crash at any moment the journal replays to a state the store was in. A
 * torn last entry (a crash in the middle of an append) ends the journal and is cut off at open. {@link #rewrite}
 * replaces the whole journal atomically with a compacted one. The file grows ahead of its entries in steps of
 * {@link #STEP} written with zeros, so forcing an append flushes data without a metadata commit for a new size; a
 * zero-filled tail decodes as the journal's end. Thread-safe.
 */
final class SnapshotJournal implements Closeable {
    private static final Logger LOG = LogManager.getLogger(SnapshotJournal.class);
    /** The format written: 2 adds checked preservations ({@link JournalRecord.CheckedPreserve}). */
    static final int VERSION = 2;
    /** The oldest format still read (rewritten as {@link #VERSION} at open). */
    static final int OLDEST_VERSION = 1;
    static final long STEP = 1L << 20;

    private final Path file;
    private volatile FileChannel channel;
    private long end;
    private long prepared;
    private final GroupForce force;
    private final FileStore fileStore;

    private SnapshotJournal(Path file, FileChannel channel, long end, long prepared) throws IOException {
        this.file = file;
        this.channel = channel;
        this.end = end;
        this.prepared = prepared;
        this.force = new GroupForce(() -> this.channel.force(false));
        this.fileStore = Files.getFileStore(file);
    }

    /** An open journal and the entries it held. */
    record Opened(SnapshotJournal journal, List<JournalRecord> entries) {
    }

    /** Opens (creating) the journal and reads every whole entry; a torn tail is cut off, durably. */
    static Opened open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(file + " is " + size + " bytes: not a snapshot journal");
            }
            ByteBuffer all = ByteBuffer.allocate((int) size);
            while (all.hasRemaining() && ch.read(all, all.position()) >= 0) {
                // read it whole
            }
            all.flip();
            List<JournalRecord> entries = new ArrayList<>();
            while (all.hasRemaining()) {
                JournalCodec.Decoded d = JournalCodec.decode(all);
                if (d == JournalCodec.TORN) {
                    break;
                }
                entries.add(d.record());
                all.position(all.position() + d.length());
            }
            long valid = all.position();
            boolean zeros = true;
            for (int i = (int) valid; i < size && zeros; i++) {
                zeros = all.get(i) == 0;
            }
            if (!zeros) {
                // an append a crash cut short: zeroed, so a later append never runs into its remains
                LOG.warn("snapshot journal {}: {} bytes after the last whole entry at {} zeroed (an append a crash cut"
                        + " short)", file, size - valid, valid);
                Zeros.write(ch, valid, size - valid);
                ch.force(true);
            }
            return new Opened(new SnapshotJournal(file, ch, valid, size), entries);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Appends entries (not yet durable); returns the ticket to {@link #forceUpTo}. */
    synchronized long append(List<JournalRecord> records) throws IOException {
        int total = 0;
        List<ByteBuffer> bufs = new ArrayList<>(records.size());
        for (JournalRecord r : records) {
            ByteBuffer b = JournalCodec.encode(r);
            total += b.remaining();
            bufs.add(b);
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        bufs.forEach(all::put);
        all.flip();
        prepare(end + total);
        long pos = end;
        while (all.hasRemaining()) {
            pos += channel.write(all, pos);
        }
        end = pos;
        return force.ticket();
    }

    /** Grows the file with zeros to hold at least {@code upTo} bytes, a step at a time (under the monitor). */
    private void prepare(long upTo) throws IOException {
        prepared = Zeros.grow(channel, fileStore, prepared, upTo, STEP);
    }

    /** Makes every entry appended up to {@code ticket} durable (one force for every writer waiting meanwhile). */
    void forceUpTo(long ticket) throws IOException {
        force.forceUpTo(ticket);
    }

    /** Appends entries and returns once they are durable. */
    void appendDurably(List<JournalRecord> records) throws IOException {
        forceUpTo(append(records));
    }

    synchronized long size() {
        return end;
    }

    /**
     * Replaces the journal with {@code records} (a compaction): written to a temporary file and forced, renamed over
     * the journal, the directory forced; a crash leaves the old journal or the new one, whole.
     */
    synchronized void rewrite(List<JournalRecord> records) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".compact");
        long written = 0;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (JournalRecord r : records) {
                ByteBuffer b = JournalCodec.encode(r);
                while (b.hasRemaining()) {
                    written += out.write(b, written);
                }
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.fsyncDirectory(file.toAbsolutePath().getParent());
        FileChannel next = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        // no force of the old file may be running when it closes; the new one is durable already
        force.replaceForced(() -> {
            FileChannel old = channel;
            channel = next;
            old.close();
        });
        long before = end;
        end = written;
        prepared = written;
        LOG.info("snapshot journal {}: compacted from {} to {} bytes ({} entries)", file, before, written,
                records.size());
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
