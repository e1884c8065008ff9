package org.understudy.resync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pure bit arithmetic of a {@link DirtyBitmap}: one bit per region of a volume in 64-bit words, set and cleared by
 * ranges with atomic word operations, a running count of the set bits, the search for the next set bit, and what the
 * bits mean in bytes (region offsets and lengths, merged byte ranges, dirty bytes). It knows neither files nor the
 * marking protocol; {@link DirtyBitmap} owns those. The static word helpers serve the bitmap's extent sets too.
 *
 * <p>Thread-safe: every word is read and written through {@link VarHandle} volatile or atomic accesses, so writers on
 * the hot path take no lock and allocate nothing. {@link #set} is a full fence (an atomic or on the word): a caller
 * that reads another volatile after it is ordered after the bits it set (the bitmap's Dekker-style race with flush
 * relies on that).
 */
final class RegionBits {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final String name;
    private final long volumeSize;
    private final int regionSize;
    private final int regionShift;
    private final long[] words;
    private final long count;
    private final LongAdder set = new LongAdder();

    /**
     * One clear bit per region of {@code regionSize} bytes (a power of two) of a volume of {@code volumeSize} bytes.
     *
     * @param name prefix for error messages, e.g. {@code p1/vol0}
     */
    RegionBits(String name, long volumeSize, int regionSize) {
        this.name = name;
        this.volumeSize = volumeSize;
        this.regionSize = regionSize;
        this.regionShift = Integer.numberOfTrailingZeros(regionSize);
        this.count = (volumeSize + regionSize - 1) >>> regionShift;
        this.words = new long[wordsFor(count)];
    }

    /** How many 64-bit words hold {@code bits} bits. */
    static int wordsFor(long bits) {
        return (int) ((bits + 63) >>> 6);
    }

    /** The mask of bits {@code fromBit..toBit} (inclusive, both 0..63) of one word. */
    static long rangeMask(long fromBit, long toBit) {
        long upTo = toBit == 63 ? -1L : (1L << (toBit + 1)) - 1;
        return upTo & (-1L << fromBit);
    }

    /** The mask of the bits of word {@code w} that lie below {@code bits}: all but the unused tail of the last word. */
    static long usedMask(int w, long bits) {
        if (w < (bits >>> 6)) {
            return -1L;
        }
        int used = (int) (bits & 63);
        return used == 0 ? -1L : (1L << used) - 1;
    }

    /** Atomically sets bits {@code first..last} (inclusive) of {@code words}. */
    /** Whether bit {@code bit} is set (a plain read: for arrays read under their owner's lock). */
    static boolean isSet(long[] words, long bit) {
        return (words[(int) (bit >>> 6)] & (1L << bit)) != 0;
    }

    static void orRange(long[] words, long first, long last) {
        for (long e = first; e <= last; ) {
            int w = (int) (e >>> 6);
            long wordEnd = Math.min(last, ((long) w << 6) + 63);
            WORDS.getAndBitwiseOr(words, w, rangeMask(e & 63, wordEnd & 63));
            e = wordEnd + 1;
        }
    }

    /**
     * Marks bits {@code first..last} of {@code touched}, then reads them in {@code hot} (volatile loads, after the
     * caller's earlier stores).
     *
     * @return whether every one of them is set in {@code hot}
     */
    static boolean touchAndTest(long[] touched, long[] hot, long first, long last) {
        boolean all = true;
        for (long e = first; e <= last; e++) {
            int w = (int) (e >>> 6);
            long m = 1L << e;
            if (((long) WORDS.getOpaque(touched, w) & m) == 0) {
                WORDS.getAndBitwiseOr(touched, w, m);
            }
            if (((long) WORDS.getVolatile(hot, w) & m) == 0) {
                all = false;
            }
        }
        return all;
    }

    /**
     * Clears from {@code hot} every bit not set in {@code touched}, and clears {@code touched}, word by word with
     * atomic operations.
     *
     * @return how many bits left {@code hot}
     */
    static long keepTouched(long[] hot, long[] touched) {
        long removed = 0;
        for (int w = 0; w < hot.length; w++) {
            long idle = (long) WORDS.getVolatile(hot, w) & ~(long) WORDS.getAndSet(touched, w, 0L);
            if (idle != 0) {
                WORDS.getAndBitwiseAnd(hot, w, ~idle);
                removed += Long.bitCount(idle);
            }
        }
        return removed;
    }

    /** Word {@code w} of {@code words}, a volatile load. */
    static long word(long[] words, int w) {
        return (long) WORDS.getVolatile(words, w);
    }

    /** Clears every word of {@code words} with volatile stores. */
    static void clearAll(long[] words) {
        for (int w = 0; w < words.length; w++) {
            WORDS.setVolatile(words, w, 0L);
        }
    }

    /** Set bits in {@code words}, read with volatile loads (a point-in-time count). */
    static long countSet(long[] words) {
        long n = 0;
        for (int w = 0; w < words.length; w++) {
            n += Long.bitCount((long) WORDS.getVolatile(words, w));
        }
        return n;
    }

    /** The live words, for the file that snapshots them (read with volatile loads) or loads them (before sharing). */
    long[] words() {
        return words;
    }

    long size() {
        return count;
    }

    /** The region holding byte {@code offset} of the volume. */
    long regionOf(long offset) {
        return offset >>> regionShift;
    }

    /** Byte offset of region {@code region} in the volume. */
    long offset(long region) {
        checkRegion(region);
        return region << regionShift;
    }

    /** Length of region {@code region}: the region size, less for a last region cut by the volume's end. */
    int length(long region) {
        checkRegion(region);
        return (int) Math.min(regionSize, volumeSize - (region << regionShift));
    }

    /**
     * Checks that {@code [offset, offset + length)} lies inside the volume.
     *
     * @return whether it holds any byte
     * @throws IllegalArgumentException when it does not lie inside
     */
    boolean checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > volumeSize - length) {
            throw new IllegalArgumentException(name + ": range [" + offset + ", +" + length
                    + ") is outside the volume of " + volumeSize + " B");
        }
        return length > 0;
    }

    void checkRegion(long region) {
        if (region < 0 || region >= count) {
            throw new IllegalArgumentException(name + ": region " + region + " outside [0, " + count + ")");
        }
    }

    /**
     * Sets bits {@code first..last} (inclusive).
     *
     * @return how many were clear before (0: nothing changed)
     */
    long set(long first, long last) {
        long newlySet = 0;
        for (long r = first; r <= last; ) {
            int w = (int) (r >>> 6);
            long wordEnd = Math.min(last, ((long) w << 6) + 63);
            long m = rangeMask(r & 63, wordEnd & 63);
            long cur = (long) WORDS.getVolatile(words, w);
            if ((cur & m) != m) {
                long prev = (long) WORDS.getAndBitwiseOr(words, w, m);
                long newly = m & ~prev;
                if (newly != 0) {
                    set.add(Long.bitCount(newly));
                    newlySet += Long.bitCount(newly);
                }
            }
            r = wordEnd + 1;
        }
        return newlySet;
    }

    /**
     * Clears bits {@code first..last} (inclusive).
     *
     * @return how many were set before (0: nothing changed)
     */
    long clear(long first, long last) {
        long cleared = 0;
        for (long r = first; r <= last; ) {
            int w = (int) (r >>> 6);
            long wordEnd = Math.min(last, ((long) w << 6) + 63);
            long m = rangeMask(r & 63, wordEnd & 63);
            if (((long) WORDS.getVolatile(words, w) & m) != 0) {
                long prev = (long) WORDS.getAndBitwiseAnd(words, w, ~m);
                long c = prev & m;
                if (c != 0) {
                    set.add(-Long.bitCount(c));
                    cleared += Long.bitCount(c);
                }
            }
            r = wordEnd + 1;
        }
        return cleared;
    }

    /** Sets every bit. */
    void setAll() {
        for (int w = 0; w < words.length; w++) {
            long m = w == words.length - 1 ? usedMask(w, count) : -1L;
            long prev = (long) WORDS.getAndBitwiseOr(words, w, m);
            set.add(Long.bitCount(m & ~prev));
        }
    }

    boolean get(long bit) {
        return ((long) WORDS.getVolatile(words, (int) (bit >>> 6)) & (1L << bit)) != 0;
    }

    /** The first set bit with index {@code >= from}, or -1 if none. */
    long nextSet(long from) {
        if (from < 0) {
            from = 0;
        }
        if (from >= count) {
            return -1;
        }
        int w = (int) (from >>> 6);
        long word = (long) WORDS.getVolatile(words, w) & (-1L << from);
        while (true) {
            if (word != 0) {
                long r = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return r < count ? r : -1;
            }
            if (++w >= words.length) {
                return -1;
            }
            word = (long) WORDS.getVolatile(words, w);
        }
    }

    /** Set bits now (point in time). */
    long setCount() {
        return set.sum();
    }

    /** The set regions as byte ranges in volume order, neighbours merged up to {@code maxLength} bytes a range. */
    List<ByteRange> ranges(long maxLength) {
        List<ByteRange> out = new ArrayList<>();
        long r = nextSet(0);
        while (r >= 0) {
            long start = offset(r);
            long end = start + length(r);
            long next = nextSet(r + 1);
            while (next == r + 1 && end - start < maxLength) {
                r = next;
                end = offset(r) + length(r);
                next = nextSet(r + 1);
            }
            out.add(new ByteRange(start, end - start));
            r = next;
        }
        return out;
    }

    /** Bytes covered by set regions; the last region counts only its part inside the volume. */
    long bytes() {
        long bytes = setCount() * regionSize;
        long last = count - 1;
        if (get(last)) {
            bytes -= regionSize - length(last);
        }
        return Math.max(0, bytes);
    }

    /**
     * After the words were filled from outside (a file's snapshot): drops bits past the end and counts again.
     *
     * @return the set bits
     */
    long recount() {
        int last = words.length - 1;
        words[last] &= usedMask(last, count);
        long n = 0;
        for (long word : words) {
            n += Long.bitCount(word);
        }
        set.reset();
        set.add(n);
        return n;
    }
}
