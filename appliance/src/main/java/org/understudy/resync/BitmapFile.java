package org.understudy.resync;

import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The I/O of one dirty-bitmap file in the {@link BitmapFileLayout} format: header, hot-extent records, the two
 * snapshot slots. It knows bytes and checksums, not the marking protocol ({@link DirtyBitmap} owns that).
 *
 * <p>Not thread-safe: the owning {@link DirtyBitmap} calls it under its I/O lock. The snapshot writer reads the live
 * region words with volatile loads, since writers keep setting bits while a snapshot is written.
 */
final class BitmapFile implements Closeable {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int CHUNK = 64 * 1024;

    private final Path path;
    private final BitmapFileLayout layout;
    private final FileChannel channel;
    private final ByteBuffer recordBuf = ByteBuffer.allocateDirect(16).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private ByteBuffer chunkBuf; // allocated on the first snapshot

    private BitmapFile(Path path, BitmapFileLayout layout, FileChannel channel) {
        this.path = path;
        this.layout = layout;
        this.channel = channel;
    }

    /** Creates the file; fails if it exists. The caller then calls {@link #initialise}. */
    static BitmapFile createNew(Path path, BitmapFileLayout layout) throws IOException {
        return new BitmapFile(path, layout, FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** Opens an existing file; {@link java.nio.file.NoSuchFileException} when there is none. */
    static BitmapFile openExisting(Path path, BitmapFileLayout layout) throws IOException {
        return new BitmapFile(path, layout, FileChannel.open(path, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    Path path() {
        return path;
    }

    /** Writes header, all-clear hot records, an empty slot 0 and the full length; the caller writes snapshot 1. */
    void initialise() throws IOException {
        writeFully(layout.encodeHeader(), 0);
        for (int w = 0; w < layout.extentWords(); w++) {
            writeHotRecord(w, 0);
        }
        writeFully(ByteBuffer.allocate(BitmapFileLayout.SLOT_HEADER_LEN), layout.slotOffset(0));
        writeFully(ByteBuffer.allocate(1), layout.fileLength() - 1);
    }

    /** Checks length and header against the expected geometry. */
    void checkHeader() throws IOException {
        long size = channel.size();
        ByteBuffer hdr = ByteBuffer.allocate((int) Math.min(size, BitmapFileLayout.HEADER_LEN));
        readFully(hdr, 0);
        layout.checkHeader(hdr.flip(), path.toString()); // a geometry mismatch explains a wrong size best
        if (size != layout.fileLength()) {
            throw new DirtyBitmapException(DirtyBitmapException.Reason.CORRUPT,
                    path + ": length " + size + ", expected " + layout.fileLength());
        }
    }

    /**
     * Reads the hot-extent records into {@code into}; a record failing its CRC reads as all ones.
     *
     * @return how many records failed their CRC
     */
    int readHotRecords(long[] into) throws IOException {
        ByteBuffer hot = ByteBuffer.allocate((int) layout.hotLength()).order(ByteOrder.LITTLE_ENDIAN);
        readFully(hot, layout.hotOffset());
        hot.flip();
        int bad = 0;
        for (int w = 0; w < into.length; w++) {
            Long word = BitmapFileLayout.decodeHotRecord(hot, crc, w);
            into[w] = word == null ? -1L : word;
            if (word == null) {
                bad++;
            }
        }
        return bad;
    }

    void writeHotRecord(int w, long word) throws IOException {
        BitmapFileLayout.encodeHotRecord(recordBuf, crc, w, word);
        writeFully(recordBuf, layout.hotOffset() + (long) w * BitmapFileLayout.HOT_RECORD_LEN);
    }

    /**
     * Reads the newest snapshot slot with a good CRC into {@code bits}.
     *
     * @return {@code [slot, sequence, number of invalid slots]}
     * @throws DirtyBitmapException CORRUPT when neither slot is valid
     */
    long[] readNewestSnapshot(long[] bits) throws IOException {
        long bestSeq = 0;
        int bestSlot = -1;
        int invalid = 0;
        for (int slot = 0; slot < 2; slot++) {
            long seq = checkSlot(slot, bits.length);
            if (seq == 0) {
                invalid++;
            }
            if (seq > bestSeq) {
                bestSeq = seq;
                bestSlot = slot;
            }
        }
        if (bestSlot < 0) {
            throw new DirtyBitmapException(DirtyBitmapException.Reason.CORRUPT, path + ": no valid snapshot slot");
        }
        ByteBuffer buf = ByteBuffer.allocate(bits.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(buf, layout.slotOffset(bestSlot) + BitmapFileLayout.SLOT_HEADER_LEN);
        buf.flip().asLongBuffer().get(bits);
        return new long[] {bestSlot, bestSeq, invalid};
    }

    /** The slot's sequence if its CRC is good and it sits in its own slot, else 0. */
    private long checkSlot(int slot, int words) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(BitmapFileLayout.SLOT_HEADER_LEN).order(ByteOrder.LITTLE_ENDIAN);
        readFully(head, layout.slotOffset(slot));
        long seq = head.getLong(0);
        int stored = head.getInt(8);
        if (seq <= 0) {
            return 0;
        }
        crc.reset();
        crc.update(head.slice(0, 8));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long pos = layout.slotOffset(slot) + BitmapFileLayout.SLOT_HEADER_LEN;
        long remaining = words * 8L;
        while (remaining > 0) {
            chunk.clear().limit((int) Math.min(CHUNK, remaining));
            readFully(chunk, pos);
            crc.update(chunk.flip());
            pos += chunk.limit();
            remaining -= chunk.limit();
        }
        return (int) crc.getValue() == stored ? seq : 0;
    }

    /**
     * Writes the live {@code bits} as snapshot {@code seq} into slot 0, forces it, then copies the same bytes into
     * slot 1 and forces again. A crash tears at most one slot and the other then holds this snapshot or the previous
     * one (which is still valid: nothing was retired on the strength of this one yet); later damage to one slot is
     * also survived, because the other holds the same snapshot. The bits are read word by word while writers may still
     * set more; the CRC covers exactly what was written.
     */
    void writeSnapshot(long seq, long[] bits) throws IOException {
        writeSlot(0, seq, bits);
        copySlot(0, 1);
    }

    private void copySlot(int from, int to) throws IOException {
        ByteBuffer chunk = chunkBuf;
        long length = BitmapFileLayout.SLOT_HEADER_LEN + (long) layout.regionWords() * 8;
        // body first, header last, as in writeSlot
        for (long off = BitmapFileLayout.SLOT_HEADER_LEN; off < length; off += CHUNK) {
            chunk.clear().limit((int) Math.min(CHUNK, length - off));
            readFully(chunk, layout.slotOffset(from) + off);
            chunk.flip();
            writeFully(chunk, layout.slotOffset(to) + off);
        }
        chunk.clear().limit(BitmapFileLayout.SLOT_HEADER_LEN);
        readFully(chunk, layout.slotOffset(from));
        chunk.flip();
        writeFully(chunk, layout.slotOffset(to));
        channel.force(false);
    }

    private void writeSlot(int slot, long seq, long[] bits) throws IOException {
        long base = layout.slotOffset(slot);
        if (chunkBuf == null) {
            chunkBuf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        }
        crc.reset();
        crc.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, seq));
        long pos = base + BitmapFileLayout.SLOT_HEADER_LEN;
        int w = 0;
        while (w < bits.length) {
            chunkBuf.clear();
            while (w < bits.length && chunkBuf.remaining() >= 8) {
                chunkBuf.putLong((long) WORDS.getVolatile(bits, w++));
            }
            chunkBuf.flip();
            crc.update(chunkBuf);
            chunkBuf.flip();
            pos += writeFully(chunkBuf, pos);
        }
        ByteBuffer head = ByteBuffer.allocate(BitmapFileLayout.SLOT_HEADER_LEN).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(seq).putInt((int) crc.getValue()).putInt(0).flip();
        writeFully(head, base);
        channel.force(false);
    }

    /** fdatasync (or fsync with {@code metadata}). */
    void force(boolean metadata) throws IOException {
        channel.force(metadata);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private int writeFully(ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
        return n;
    }

    private void readFully(ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
                throw new DirtyBitmapException(DirtyBitmapException.Reason.CORRUPT, path + ": truncated at " + position);
            }
            position += n;
        }
    }
}
