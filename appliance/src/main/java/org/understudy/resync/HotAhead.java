package org.understudy.resync;

/**
 * How far a stream of writes makes a dirty bitmap's extents hot ahead of itself: a write that enters a new extent as
 * part of a stream makes the next {@code extents} hot in the same forced record, one force per {@code 1 + extents}
 * extents of a stream instead of one per extent. A stream is a write that starts at an extent's first byte just after
 * a hot extent, or one that runs on from a hot extent into the next. Random writes beside a hot extent make nothing hot
 * ahead: that would only widen what a crash resyncs. Thread-safe.
 */
final class HotAhead {
    private final String name;
    private volatile int extents;

    HotAhead(String name) {
        this.name = name;
    }

    void extents(int n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + ": hot-ahead extents must be >= 0, got " + n);
        }
        extents = n;
    }

    /**
     * The last extent to make hot for a write at {@code offset} touching {@code first..touchedLast}, given the extents
     * hot on disk ({@code diskHot}, read under the bitmap's lock) and the volume's {@code extentCount}.
     */
    long lastExtent(long offset, long first, long touchedLast, int extentShift, long[] diskHot, long extentCount) {
        int n = extents;
        boolean entersAfterHot = offset == first << extentShift && first > 0 && RegionBits.isSet(diskHot, first - 1);
        boolean runsOnFromHot = touchedLast > first && RegionBits.isSet(diskHot, first);
        return n > 0 && (entersAfterHot || runsOnFromHot) ? Math.min(touchedLast + n, extentCount - 1) : touchedLast;
    }
}
