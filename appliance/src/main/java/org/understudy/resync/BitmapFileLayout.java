package org.understudy.resync;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Byte layout of a dirty-region bitmap file, and the codecs for its header and hot-extent records.
 *
 * <pre>
 * [0, 4096)            header: magic "UDRB", version, region size, extent size, volume size, CRC32C
 * [hotOff, +hotLen)    hot-extent records, one 16-byte record per 64 extents:
 *                      word (8, bit i = extent 64*w+i is hot), CRC32C(record index, word) (4), ~CRC (4)
 * [slotOff[0], +slot)  snapshot slot 0: sequence (8), CRC32C(sequence, bits) (4), pad (4), region bits (8 per word)
 * [slotOff[1], +slot)  snapshot slot 1: a copy written after slot 0 is forced; the valid slot with the higher
 *                      sequence is current
 * </pre>
 *
 * A 16-byte record sits in one 512-byte sector, so it is written whole or not at all on every device we know; a torn
 * or damaged record fails its CRC and is read as "all 64 extents hot", which can only cause extra resync. All numbers
 * are little-endian. Immutable and thread-safe.
 */
record BitmapFileLayout(long volumeSize, int regionSize, int extentSize) {

    static final int MAGIC = 0x42524455; // "UDRB" little-endian
    static final int VERSION = 1;
    static final int HEADER_LEN = 4096;
    static final int HOT_RECORD_LEN = 16;
    static final int SLOT_HEADER_LEN = 16;
    private static final int ALIGN = 4096;

    BitmapFileLayout {
        if (volumeSize <= 0) {
            throw new IllegalArgumentException("volume size must be positive: " + volumeSize);
        }
        if (regionSize < 4096 || Integer.bitCount(regionSize) != 1) {
            throw new IllegalArgumentException("region size must be a power of two >= 4096: " + regionSize);
        }
        if (extentSize < regionSize || Integer.bitCount(extentSize) != 1) {
            throw new IllegalArgumentException(
                    "extent size must be a power of two >= region size " + regionSize + ": " + extentSize);
        }
        if (regionCount(volumeSize, regionSize) > (long) Integer.MAX_VALUE * 32) {
            throw new IllegalArgumentException("too many regions for volume size " + volumeSize);
        }
    }

    private static long regionCount(long volumeSize, int regionSize) {
        return (volumeSize + regionSize - 1) / regionSize;
    }

    long regionCount() {
        return regionCount(volumeSize, regionSize);
    }

    long extentCount() {
        return (volumeSize + extentSize - 1) / extentSize;
    }

    int regionWords() {
        return (int) ((regionCount() + 63) >>> 6);
    }

    int extentWords() {
        return (int) ((extentCount() + 63) >>> 6);
    }

    long hotOffset() {
        return HEADER_LEN;
    }

    long hotLength() {
        return roundUp((long) extentWords() * HOT_RECORD_LEN);
    }

    long slotLength() {
        return roundUp(SLOT_HEADER_LEN + (long) regionWords() * 8);
    }

    long slotOffset(int slot) {
        return hotOffset() + hotLength() + slot * slotLength();
    }

    long fileLength() {
        return slotOffset(2);
    }

    private static long roundUp(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** Encodes the header into a little-endian buffer of {@link #HEADER_LEN} bytes, ready to write. */
    ByteBuffer encodeHeader() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LEN).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(regionSize).putInt(extentSize).putLong(volumeSize);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 24);
        b.putInt((int) crc.getValue());
        b.clear();
        return b;
    }

    /**
     * Decodes and checks a header read from a file against the geometry this layout expects.
     *
     * @throws DirtyBitmapException CORRUPT for bad magic/version/CRC, MISMATCH for another geometry
     */
    void checkHeader(ByteBuffer raw, String where) throws DirtyBitmapException {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 28) {
            throw new DirtyBitmapException(DirtyBitmapException.Reason.CORRUPT, where + ": header truncated");
        }
        byte[] first = new byte[24];
        b.get(b.position(), first);
        int magic = b.getInt();
        int version = b.getInt();
        int rs = b.getInt();
        int es = b.getInt();
        long vs = b.getLong();
        int storedCrc = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(first);
        if (magic != MAGIC) {
            throw new DirtyBitmapException(DirtyBitmapException.Reason.CORRUPT,
                    where + ": bad magic 0x" + Integer.toHexString(magic));
        }
        if ((int) crc.getValue() != storedCrc) {
            throw new DirtyBitmapException(DirtyBitmapException.Reason.CORRUPT, where + ": header CRC32C mismatch");
        }
        if (version != VERSION) {
            throw new DirtyBitmapException(DirtyBitmapException.Reason.CORRUPT,
                    where + ": unsupported version " + version + " (this build reads " + VERSION + ")");
        }
        if (rs != regionSize || es != extentSize || vs != volumeSize) {
            throw new DirtyBitmapException(DirtyBitmapException.Reason.MISMATCH, where + ": file has region size " + rs
                    + ", extent size " + es + ", volume size " + vs + " but the volume needs " + regionSize + ", "
                    + extentSize + ", " + volumeSize);
        }
    }

    /** Fills {@code dst} (16 bytes, little-endian) with hot-extent record {@code index} holding {@code word}. */
    static void encodeHotRecord(ByteBuffer dst, CRC32C crc, int index, long word) {
        dst.clear();
        dst.putLong(0, index).putLong(8, word);
        crc.reset();
        crc.update(dst);
        int c = (int) crc.getValue();
        dst.clear();
        dst.putLong(word).putInt(c).putInt(~c);
        dst.flip();
    }

    /** Decodes record {@code index} from {@code src} at its position; returns null when the CRC does not match. */
    static Long decodeHotRecord(ByteBuffer src, CRC32C crc, int index) {
        long word = src.getLong();
        int c = src.getInt();
        int notC = src.getInt();
        ByteBuffer tmp = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        tmp.putLong(index).putLong(word).flip();
        crc.reset();
        crc.update(tmp);
        return ((int) crc.getValue() == c && notC == ~c) ? word : null;
    }
}
