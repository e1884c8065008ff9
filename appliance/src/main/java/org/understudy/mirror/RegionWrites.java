package org.understudy.mirror;

/**
 * The client writes in flight per dirty-bitmap region, for {@link BitmapPlanner}: a hash table over primitive arrays
 * (open addressing, linear probing, deletion by shifting back), so registering and settling a write allocates nothing
 * while the table is large enough for the regions in flight. A slot is addressed by its index until the next {@link
 * #insert} or {@link #remove}. An entry lives while writes are in flight on its region: a count of 0 marks a free
 * slot. Not thread-safe: the planner's lock guards it.
 */
final class RegionWrites {
    private long[] regions;
    private int[] counts;
    private boolean[] stale;
    private int mask;
    private int size;

    RegionWrites() {
        allocate(64);
    }

    private void allocate(int capacity) {
        regions = new long[capacity];
        counts = new int[capacity];
        stale = new boolean[capacity];
        mask = capacity - 1;
    }

    private int home(long region) {
        return (int) ((region * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    /** The slot of {@code region}, or -1 when no write is in flight on it. */
    int find(long region) {
        for (int i = home(region); counts[i] != 0; i = (i + 1) & mask) {
            if (regions[i] == region) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A new slot for {@code region} (not in the table), with count 0 and not stale: the caller raises its count
     * before it lets go of the lock, or the slot reads as free.
     */
    int insert(long region) {
        if (2 * (size + 1) > counts.length) {
            grow();
        }
        int i = home(region);
        while (counts[i] != 0) {
            i = (i + 1) & mask;
        }
        regions[i] = region;
        stale[i] = false;
        size++;
        return i;
    }

    long region(int slot) {
        return regions[slot];
    }

    int count(int slot) {
        return counts[slot];
    }

    void count(int slot, int count) {
        counts[slot] = count;
    }

    boolean stale(int slot) {
        return stale[slot];
    }

    void stale(int slot, boolean value) {
        stale[slot] = value;
    }

    /** Frees {@code slot}; the entries after it in its probe run move back so every entry stays reachable. */
    void remove(int slot) {
        int free = slot;
        int j = slot;
        while (true) {
            j = (j + 1) & mask;
            if (counts[j] == 0) {
                break;
            }
            int h = home(regions[j]);
            // entry j stays if its home lies cyclically in (free, j]; otherwise it moves into the free slot
            boolean stays = free <= j ? free < h && h <= j : free < h || h <= j;
            if (!stays) {
                regions[free] = regions[j];
                counts[free] = counts[j];
                stale[free] = stale[j];
                free = j;
            }
        }
        counts[free] = 0;
        stale[free] = false;
        size--;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] r = regions;
        int[] c = counts;
        boolean[] s = stale;
        allocate(c.length * 2);
        for (int i = 0; i < c.length; i++) {
            if (c[i] != 0) {
                int j = home(r[i]);
                while (counts[j] != 0) {
                    j = (j + 1) & mask;
                }
                regions[j] = r[i];
                counts[j] = c[i];
                stale[j] = s[i];
            }
        }
    }
}
