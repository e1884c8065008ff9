package org.understudy.resync;

import java.util.random.RandomGenerator;

/**
 * One history of a volume's data, named by a random non-zero 64-bit number. A new generation starts whenever one copy
 * begins to be written without the other (a takeover, or a primary writing while disconnected), so two copies with the
 * same generation hold the same data, apart from regions their dirty bitmaps record as in flight. Immutable.
 *
 * @param id the random identifier; 0 is {@link #NONE} (no data history: a fresh or unknown copy)
 */
public record Generation(long id) {

    /** No generation: a copy that has never held data of this volume. */
    public static final Generation NONE = new Generation(0);

    /** A new random generation; never {@link #NONE}. */
    public static Generation random(RandomGenerator rnd) {
        long id;
        do {
            id = rnd.nextLong();
        } while (id == 0);
        return new Generation(id);
    }

    /** Parses the 16-digit hex form written by {@link #toString()}. */
    public static Generation parse(String hex) {
        return new Generation(Long.parseUnsignedLong(hex.trim(), 16));
    }

    public boolean isNone() {
        return id == 0;
    }

    @Override
    public String toString() {
        return String.format("%016x", id);
    }
}
