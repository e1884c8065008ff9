package org.understudy.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.CRC32C;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.EventEntry;
import org.understudy.model.EventQuery;

/**
 * The event log as one append-only file, {@code <stateDir>/events.log}: a 16-byte header (magic, the id the next row
 * gets at least) and then one frame per row: payload length (int), CRC32C of the payload (int), payload (id, time in
 * epoch milliseconds, then kind, primary, resource, actor, face, outcome, message and details as length-prefixed
 * UTF-8, length -1 for null). Rows are in id order.
 *
 * <p>Durability: every {@link #insert} writes its batch's frames at the end and forces the file before it returns,
 * so a returned id survives SIGKILL or a power cut, as a Derby commit does. Opening for writing scans the file and cuts
 * a torn or garbage tail (a frame cut short, a length out of range, a CRC that does not match, an id that does not
 * ascend) back to the last whole frame, logging how many bytes it dropped: a crash mid-insert loses at most the batch
 * that was not yet forced. Retention rewrites the rows it keeps into a new file, forces it and renames it over the
 * old one, so a crash leaves either file whole.
 *
 * <p>Queries scan the file (a primary's log is small and bounded by retention); nothing is held in memory between
 * calls but the file's length and row count. {@link #openReadOnly} (the CLI on a stopped node) never changes the file
 * and ignores a torn tail. The node's state-directory lock keeps a second writer away.
 *
 * <p>Not thread-safe: the caller serialises.
 */
final class FileEventStore implements EventStore {
    private static final Logger LOG = LogManager.getLogger(FileEventStore.class);

    /** The log's file name in the state directory. */
    static final String FILE_NAME = "events.log";
    private static final long MAGIC = 0x5553_4556_4c4f_4731L; // "USEVLOG1"
    static final int HEADER = 16;
    static final int FRAME_HEADER = 8;
    /** No row needs more: the texts' limits in UTF-8 (up to 3 bytes a char) and the fixed fields. */
    static final int MAX_PAYLOAD = 3 * (RowLimits.DETAILS_MAX + RowLimits.MESSAGE_MAX + 6 * RowLimits.SHORT_MAX) + 64;

    private final Path file;
    private final boolean writable;
    private FileChannel channel;
    private long end;
    private long nextId;
    private long count;

    private FileEventStore(Path file, boolean writable) {
        this.file = file;
        this.writable = writable;
    }

    /**
     * Opens (creating if absent) the log file {@code file} for writing; drops a torn tail.
     *
     * @throws EventLogException naming the file when it cannot be created or read, or is not an event log
     */
    static FileEventStore open(Path file) {
        FileEventStore store = new FileEventStore(file.toAbsolutePath().normalize(), true);
        try {
            Files.createDirectories(store.file.getParent());
            if (!Files.exists(store.file)) {
                store.replaceWith(List.of(), 1);
            }
            store.channel = FileChannel.open(store.file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            store.load();
            LOG.info("event log: opened {} ({} rows, {} bytes, next id {})", store.file, store.count, store.end,
                    store.nextId);
            return store;
        } catch (IOException e) {
            store.close();
            throw new EventLogException("cannot open the event log " + store.file + ": " + e, e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Writes a new log file holding {@code rows} (ascending ids, kept as they are): moving an older log over.
     *
     * @throws EventLogException when the file exists already or cannot be written
     */
    static void create(Path file, List<EventEntry> rows) {
        FileEventStore store = new FileEventStore(file.toAbsolutePath().normalize(), true);
        if (Files.exists(store.file)) {
            throw new EventLogException("event log " + store.file + " exists already");
        }
        try {
            store.replaceWith(rows, rows.isEmpty() ? 1 : rows.get(rows.size() - 1).id() + 1);
        } catch (IOException e) {
            throw new EventLogException("cannot write the event log " + store.file + ": " + e, e);
        }
    }

    /** Opens the log file for queries only: never writes, ignores a torn tail. */
    static FileEventStore openReadOnly(Path file) {
        FileEventStore store = new FileEventStore(file.toAbsolutePath().normalize(), false);
        try {
            store.channel = FileChannel.open(store.file, StandardOpenOption.READ);
            store.load();
            return store;
        } catch (NoSuchFileException e) {
            throw new EventLogException("no event log file " + store.file, e);
        } catch (IOException e) {
            store.close();
            throw new EventLogException("cannot read the event log " + store.file + ": " + e, e);
        }
    }

    private void load() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
            // a short read of a regular file repeats until the header is whole or the file ends
        }
        if (header.hasRemaining() || header.getLong(0) != MAGIC) {
            throw new EventLogException("event log " + file + " is not an Understudy event log file (bad header);"
                    + " move it aside and the node will start a new log");
        }
        long base = header.getLong(8);
        long[] last = {0, 0};
        long good = scan(row -> {
            last[0] = row.id();
            last[1]++;
            return true;
        });
        long size = channel.size();
        if (good < size && writable) {
            LOG.warn("event log: {} ends with {} bytes that are not a whole row (a write cut short by a crash, or"
                    + " damage); dropping them, {} rows before them kept", file, size - good, last[1]);
            channel.truncate(good);
            channel.force(true);
        }
        end = good;
        count = last[1];
        nextId = Math.max(base, last[0] + 1);
    }

    /**
     * Reads whole frames from the header on, handing each row to {@code visitor} until it returns false; returns the
     * offset after the last whole frame read.
     */
    private long scan(Predicate<EventEntry> visitor) throws IOException {
        FrameReader in = new FrameReader(channel, HEADER);
        long prevId = 0;
        while (true) {
            long at = in.position();
            ByteBuffer payload = in.next(MAX_PAYLOAD);
            if (payload == null) {
                return at;
            }
            EventEntry row;
            try {
                row = RowCodec.decode(payload);
            } catch (RuntimeException e) {
                return at; // a frame whose CRC matched but which does not decode is damage too
            }
            if (row.id() <= prevId) {
                return at;
            }
            prevId = row.id();
            if (!visitor.test(row)) {
                return in.position();
            }
        }
    }

    @Override
    public long[] insert(List<EventEntry> entries) {
        requireWritable();
        long[] ids = new long[entries.size()];
        List<ByteBuffer> frames = new ArrayList<>(entries.size());
        int bytes = 0;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = nextId + i;
            ByteBuffer frame = RowCodec.frame(entries.get(i).withId(ids[i]));
            frames.add(frame);
            bytes += frame.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(bytes);
        frames.forEach(all::put);
        all.flip();
        long before = end;
        try {
            long at = before;
            while (all.hasRemaining()) {
                at += channel.write(all, at);
            }
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(before);
            } catch (IOException again) {
                LOG.warn("event log: cannot cut the failed write from {}: {} (the next open drops it)", file, again);
            }
            throw new EventLogException("cannot write to the event log " + file + ": " + e, e);
        }
        end = before + bytes;
        nextId += ids.length;
        count += ids.length;
        return ids;
    }

    @Override
    public List<EventEntry> query(EventQuery q) {
        Predicate<EventEntry> match = row -> (q.since() == null || !row.time().isBefore(q.since()))
                && (q.primary() == null || q.primary().equals(row.primary()))
                && (q.kind() == null || q.kind() == row.kind())
                && (q.actor() == null || q.actor().equals(row.actor()))
                && (q.beforeId() <= 0 || row.id() < q.beforeId());
        ArrayDeque<EventEntry> rows = new ArrayDeque<>();
        boolean newest = q.order() == EventQuery.Order.NEWEST_FIRST;
        try {
            scan(row -> {
                if (newest && q.beforeId() > 0 && row.id() >= q.beforeId()) {
                    return false; // ids ascend: nothing after this one can match
                }
                if (match.test(row)) {
                    if (newest) {
                        rows.addFirst(row);
                        if (rows.size() > q.limit()) {
                            rows.removeLast();
                        }
                    } else {
                        rows.addLast(row);
                        return rows.size() < q.limit();
                    }
                }
                return true;
            });
        } catch (IOException e) {
            throw new EventLogException("cannot read the event log " + file + ": " + e, e);
        }
        return new ArrayList<>(rows);
    }

    @Override
    public int deleteOlderThan(Instant cutoff) {
        return keepOnly(row -> !row.time().isBefore(cutoff), "rows older than " + cutoff);
    }

    @Override
    public int keepNewest(long keep) {
        if (count <= keep) {
            return 0;
        }
        long[] seen = {0};
        long drop = count - keep;
        return keepOnly(row -> ++seen[0] > drop, "all but the newest " + keep + " rows");
    }

    /** Rewrites the file with the rows {@code keep} accepts, if it rejects any; returns how many were deleted. */
    private int keepOnly(Predicate<EventEntry> keep, String what) {
        requireWritable();
        List<EventEntry> kept = new ArrayList<>();
        try {
            scan(row -> {
                if (keep.test(row)) {
                    kept.add(row);
                }
                return true;
            });
            int deleted = (int) (count - kept.size());
            if (deleted == 0) {
                return 0;
            }
            channel.close();
            replaceWith(kept, nextId);
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            end = channel.size();
            count = kept.size();
            return deleted;
        } catch (IOException e) {
            throw new EventLogException("cannot delete " + what + " from the event log " + file + ": " + e, e);
        }
    }

    /** Writes a new file with {@code rows}, forces it, and renames it over the log (then forces the directory). */
    private void replaceWith(List<EventEntry> rows, long baseId) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER).putLong(MAGIC).putLong(baseId).flip();
            while (header.hasRemaining()) {
                out.write(header);
            }
            for (EventEntry row : rows) {
                ByteBuffer frame = RowCodec.frame(row);
                while (frame.hasRemaining()) {
                    out.write(frame);
                }
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    @Override
    public long count() {
        return count;
    }

    private void requireWritable() {
        if (!writable) {
            throw new IllegalStateException("event log " + file + " was opened read-only");
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("event log: close of {} failed: {}", file, e.toString());
            }
        }
    }

    /** Reads frames one after another through one buffer; a frame cut short, too long or with a bad CRC ends it. */
    private static final class FrameReader {
        private final FileChannel channel;
        private ByteBuffer buf = ByteBuffer.allocate(64 * 1024).flip();
        private long fileAt;
        private final CRC32C crc = new CRC32C();

        FrameReader(FileChannel channel, long start) {
            this.channel = channel;
            this.fileAt = start;
        }

        long position() {
            return fileAt - buf.remaining();
        }

        /** The next frame's payload (valid until the next call), or null at the end or at the first bad frame. */
        ByteBuffer next(int maxPayload) throws IOException {
            if (!fill(FRAME_HEADER)) {
                return null;
            }
            int length = buf.getInt(buf.position());
            int expected = buf.getInt(buf.position() + 4);
            if (length <= 0 || length > maxPayload || !fill(FRAME_HEADER + length)) {
                return null;
            }
            ByteBuffer payload = buf.slice(buf.position() + FRAME_HEADER, length);
            crc.reset();
            crc.update(payload.duplicate());
            if ((int) crc.getValue() != expected) {
                return null;
            }
            buf.position(buf.position() + FRAME_HEADER + length);
            return payload;
        }

        /** Makes at least {@code n} bytes available in the buffer; false when the file ends first. */
        private boolean fill(int n) throws IOException {
            if (buf.remaining() >= n) {
                return true;
            }
            if (buf.capacity() < n) {
                buf = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2)).put(buf).flip();
            } else {
                buf.compact().flip();
            }
            while (buf.remaining() < n) {
                buf.position(buf.limit()).limit(buf.capacity());
                int read = channel.read(buf, fileAt);
                buf.flip().position(0);
                // flip() after reading at position p: limit = p + read, and the unread bytes start at 0
                if (read < 0) {
                    return false;
                }
                fileAt += read;
            }
            return true;
        }
    }
}
