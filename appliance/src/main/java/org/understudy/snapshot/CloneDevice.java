package org.understudy.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import org.understudy.storage.BlockDevice;

/**
 * A writable clone of a read-only device (a rehearsal's view of a snapshot): writes go to an overlay file of its
 * own, in 4 KiB blocks (a partial block is filled from the base first), reads come from the overlay where the clone
 * wrote and from the base elsewhere. The base never changes; the overlay is thrown away with the clone ({@link
 * #close} deletes it) and needs no crash safety. Thread-safe (writes are serialised; the clone serves a test).
 */
public final class CloneDevice implements BlockDevice {
    static final int BLOCK = 4096;

    private final BlockDevice base;
    private final Path overlayFile;
    private final FileChannel overlay;
    private final String name;
    private final BitSet written;

    private CloneDevice(BlockDevice base, Path overlayFile, FileChannel overlay, String name) {
        this.base = base;
        this.overlayFile = overlayFile;
        this.overlay = overlay;
        this.name = name;
        this.written = new BitSet((int) ((base.size() + BLOCK - 1) / BLOCK));
    }

    /** A clone of {@code base} whose writes go to {@code overlayFile} (replaced if it exists). */
    public static CloneDevice over(BlockDevice base, Path overlayFile, String name) throws IOException {
        Files.createDirectories(overlayFile.toAbsolutePath().getParent());
        FileChannel ch = FileChannel.open(overlayFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        return new CloneDevice(base, overlayFile, ch, name);
    }

    /** Bytes the clone wrote (in whole blocks). */
    public synchronized long bytesWritten() {
        return (long) written.cardinality() * BLOCK;
    }

    @Override
    public long size() {
        return base.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        check(offset, dst.remaining());
        int base0 = dst.position();
        int length = dst.remaining();
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            long block = pos / BLOCK;
            boolean mine = isWritten(block);
            long runEnd = Math.min(end, (block + 1) * BLOCK);
            while (runEnd < end && isWritten(runEnd / BLOCK) == mine) {
                runEnd = Math.min(end, runEnd + BLOCK);
            }
            ByteBuffer part = dst.slice(base0 + (int) (pos - offset), (int) (runEnd - pos));
            if (mine) {
                readOverlay(pos, part);
            } else {
                base.read(pos, part);
            }
            pos = runEnd;
        }
        dst.position(base0 + length);
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        check(offset, src.remaining());
        apply(offset, src.remaining(), src);
    }

    @Override
    public void flush() throws IOException {
        overlay.force(false);
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        writeZeroes(offset, length, fua, true);
    }

    @Override
    public synchronized void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        check(offset, length);
        apply(offset, length, null);
    }

    /** Writes data (or zeros when {@code src} is null) block by block, filling partial blocks from the base. */
    private void apply(long offset, long length, ByteBuffer src) throws IOException {
        long pos = offset;
        long end = offset + length;
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        while (pos < end) {
            long b = pos / BLOCK;
            long blockStart = b * BLOCK;
            int blockLen = (int) Math.min(BLOCK, size() - blockStart);
            int from = (int) (pos - blockStart);
            int n = (int) Math.min(blockLen - from, end - pos);
            block.clear().limit(blockLen);
            if (n < blockLen) {
                if (isWritten(b)) {
                    readOverlay(blockStart, block);
                } else {
                    base.read(blockStart, block);
                }
            }
            block.clear().limit(blockLen);
            if (src == null) {
                block.put(from, new byte[n]);
            } else {
                block.put(from, src, src.position(), n);
                src.position(src.position() + n);
            }
            long at = blockStart;
            while (block.hasRemaining()) {
                at += overlay.write(block, at);
            }
            written.set((int) b);
            pos += n;
        }
    }

    private synchronized boolean isWritten(long block) {
        return written.get((int) block);
    }

    private void readOverlay(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = overlay.read(dst, pos);
            if (n < 0) {
                throw new IOException(name + ": the clone's overlay ends at " + pos);
            }
            pos += n;
        }
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size() - length) {
            throw new IllegalArgumentException(name + ": range " + offset + "+" + length + " outside " + size()
                    + " bytes");
        }
    }

    @Override
    public String describe() {
        return name;
    }

    /** Throws the clone away: its overlay file is deleted. */
    @Override
    public void close() throws IOException {
        try {
            overlay.close();
        } finally {
            Files.deleteIfExists(overlayFile);
        }
    }
}
