package org.understudy.snapshot;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file of preserved chunks of one primary's snapshot store: slot {@code s} holds one chunk at {@code s *
 * chunkSize}. Slots freed by a deletion are taken again by later preservations, so the file is as large as the most
 * the snapshots ever held at once. Positional I/O only; thread-safe.
 */
final class ChunkFile implements Closeable {
    private final Path file;
    private final FileChannel channel;
    private final int chunkSize;
    private final GroupForce force;

    private ChunkFile(Path file, FileChannel channel, int chunkSize) {
        this.file = file;
        this.channel = channel;
        this.chunkSize = chunkSize;
        this.force = new GroupForce(() -> channel.force(false));
    }

    static ChunkFile open(Path file, int chunkSize) throws IOException {
        return new ChunkFile(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), chunkSize);
    }

    /** Writes a chunk's old content into {@code slot}; returns the ticket that {@link #forceUpTo} makes durable. */
    long write(long slot, ByteBuffer content) throws IOException {
        long pos = slot * chunkSize;
        while (content.hasRemaining()) {
            pos += channel.write(content, pos);
        }
        return force.ticket();
    }

    void forceUpTo(long ticket) throws IOException {
        force.forceUpTo(ticket);
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

    /** Cuts the file back to {@code slots} slots (the ones above are free). */
    void truncate(long slots) throws IOException {
        if (channel.size() > slots * chunkSize) {
            channel.truncate(slots * chunkSize);
        }
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
