package org.understudy.snapshot;

import java.util.Arrays;

/**
 * Which slot of the chunk store holds the preserved content of which chunk of a volume, for one snapshot of that
 * volume: an open-addressing map from chunk index to slot, holding only the chunks preserved so far (a snapshot of a
 * 4 TiB volume that changed 1 GiB since holds 16 Ki entries, not 64 Mi). Keys and values are non-negative. Not
 * thread-safe: its {@link SnapshotState} is guarded by the store's lock.
 */
final class ChunkMap {
    private static final long EMPTY = -1;
    private long[] keys;
    private long[] values;
    private int size;

    ChunkMap() {
        keys = new long[16];
        values = new long[16];
        Arrays.fill(keys, EMPTY);
    }

    int size() {
        return size;
    }

    /** The slot of {@code chunk}, or -1 when it is not preserved here. */
    long get(long chunk) {
        int mask = keys.length - 1;
        for (int i = hash(chunk) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == chunk) {
                return values[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    boolean contains(long chunk) {
        return get(chunk) >= 0;
    }

    /** Maps {@code chunk} to {@code slot}, replacing an earlier slot. */
    void put(long chunk, long slot) {
        if (chunk < 0 || slot < 0) {
            throw new IllegalArgumentException("chunk " + chunk + " slot " + slot);
        }
        if ((size + 1) * 4L > keys.length * 3L) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = hash(chunk) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == chunk) {
                values[i] = slot;
                return;
            }
            if (keys[i] == EMPTY) {
                keys[i] = chunk;
                values[i] = slot;
                size++;
                return;
            }
        }
    }

    /** Forgets every entry, keeping the room grown so far (a set reused batch after batch). */
    void clear() {
        if (size > 0) {
            Arrays.fill(keys, EMPTY);
            size = 0;
        }
    }

    /** Visits every entry (in no particular order). */
    void forEach(Entry visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                visitor.accept(keys[i], values[i]);
            }
        }
    }

    /** One chunk and its slot. */
    @FunctionalInterface
    interface Entry {
        void accept(long chunk, long slot);
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
