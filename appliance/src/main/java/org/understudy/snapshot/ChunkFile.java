package org.understudy.snapshot;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.understudy.storage.HolePunch;
import org.understudy.storage.Zeros;

/**
 * The file of preserved chunks of one primary's snapshot store: slot {@code s} holds one chunk at {@code s *
 * chunkSize}. Slots freed by a deletion are taken again by later preservations, so the file is about as large as the
 * most the snapshots ever held at once. The file grows ahead of its slots in steps of {@link #STEP} written with
 * zeros: a preservation then overwrites blocks the file system already holds, and forcing it flushes the data without
 * a metadata commit for a new size (on ext4, one device flush instead of two). Positional I/O only; thread-safe.
 */
final class ChunkFile implements Closeable {
    static final long STEP = 16L << 20;

    private final Path file;
    private final FileChannel channel;
    private final int chunkSize;
    private final GroupForce force;
    private final FileStore fileStore;
    private long prepared; // bytes of the file written (zeros or chunks): guarded by this

    private ChunkFile(Path file, FileChannel channel, int chunkSize) throws IOException {
        this.file = file;
        this.channel = channel;
        this.chunkSize = chunkSize;
        this.force = new GroupForce(() -> channel.force(false));
        this.prepared = channel.size();
        this.fileStore = Files.getFileStore(file);
    }

    static ChunkFile open(Path file, int chunkSize) throws IOException {
        return new ChunkFile(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), chunkSize);
    }

    /**
     * Writes the old content of one chunk or of neighbouring chunks into {@code slot} and the slots after it; returns
     * the ticket that {@link #forceUpTo} makes durable. The file is grown ahead past the last of them first: growing
     * it later from a point short of their end would zero chunks already preserved there.
     */
    long write(long slot, ByteBuffer content) throws IOException {
        long pos = slot * chunkSize;
        prepare(pos + content.remaining());
        while (content.hasRemaining()) {
            pos += channel.write(content, pos);
        }
        return force.ticket();
    }

    void forceUpTo(long ticket) throws IOException {
        force.forceUpTo(ticket);
    }

    /** Whether the file holds {@code length} bytes of {@code slot} (it may have been cut short by a crash). */
    boolean reaches(long slot, int length) throws IOException {
        return channel.size() >= slot * chunkSize + length;
    }

    /** Reads {@code dst.remaining()} bytes of {@code slot} from {@code offsetInChunk}. */
    void read(long slot, int offsetInChunk, ByteBuffer dst) throws IOException {
        long pos = slot * chunkSize + offsetInChunk;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new IOException(file + ": slot " + slot + " lies past the end of the chunk file");
            }
            pos += n;
        }
    }

    /** Makes the file hold at least {@code end} bytes, growing it a step at a time with zeros. */
    private synchronized void prepare(long end) throws IOException {
        prepared = Zeros.grow(channel, fileStore, prepared, end, STEP);
    }

    /**
     * Gives back to the file system every byte above {@code slots} slots (all free), the room grown ahead included,
     * and the room of the free slots {@code freed} below them (holes punched where the runtime can: {@link
     * HolePunch}); returns how many bytes. The caller keeps every slot of {@code freed} from being taken meanwhile.
     */
    synchronized long giveBack(java.util.BitSet freed, long slots) throws IOException {
        long keep = slots * chunkSize;
        long size = channel.size();
        long given = 0;
        if (size > keep) {
            channel.truncate(keep);
            prepared = Math.min(prepared, keep);
            given = size - keep;
        }
        for (int from = freed.nextSetBit(0); from >= 0 && from < slots && HolePunch.available(); ) {
            int to = (int) Math.min(freed.nextClearBit(from), slots);
            if (HolePunch.punch(file, (long) from * chunkSize, (long) (to - from) * chunkSize)) {
                given += (long) (to - from) * chunkSize;
            }
            from = freed.nextSetBit(to);
        }
        return given;
    }

    /** Gives back the space above {@code slots} slots (all free) when it is more than a step; returns how much. */
    synchronized long truncate(long slots) throws IOException {
        long keep = slots * chunkSize;
        if (prepared - keep > STEP) {
            long size = channel.size();
            channel.truncate(keep);
            prepared = keep;
            return size - keep;
        }
        return 0;
    }

    long bytesAllocated() throws IOException {
        return channel.size();
    }

    long forces() {
        return force.forces();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
