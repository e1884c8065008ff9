package org.understudy.config;

/**
 * Mirroring settings ({@code mirror:} in the cluster file, with per-volume overrides under {@code volumes[].mirror}).
 * Immutable.
 *
 * @param regionSize     bytes per dirty-bitmap region (a power of two, 4 KiB..16 MiB); default 64 KiB
 * @param asyncHighWater async mode: above this backlog (bytes not yet acknowledged by the standby) new writes slow down
 * @param asyncHardLimit async mode: the backlog never exceeds this; past it writes stop being shipped and only mark
 *                       their regions dirty, resynced when the link catches up
 * @param mirrorRate     each primary's global cap on mirroring traffic in bytes/s (0 = unlimited); cluster level only
 * @param resyncRate     each primary's global cap on resync traffic in bytes/s (0 = unlimited); cluster level only
 * @param readBlocker    true (default): reads are served locally only; false: a local read error is served from the
 *                       replica over the link and the volume reported degraded
 */
public record MirrorSettings(int regionSize, long asyncHighWater, long asyncHardLimit, long mirrorRate,
                             long resyncRate, boolean readBlocker) {

    public static final int DEFAULT_REGION_SIZE = 64 * 1024;
    public static final long DEFAULT_HIGH_WATER = 64L << 20;
    public static final long DEFAULT_HARD_LIMIT = 128L << 20;

    /** The shipped defaults. */
    public static final MirrorSettings DEFAULTS = new MirrorSettings(DEFAULT_REGION_SIZE, DEFAULT_HIGH_WATER,
            DEFAULT_HARD_LIMIT, 0, 0, true);

    public MirrorSettings {
        if (regionSize < 4096 || regionSize > (16 << 20) || Integer.bitCount(regionSize) != 1) {
            throw new IllegalArgumentException("regionSize must be a power of two between 4 KiB and 16 MiB, was "
                    + regionSize);
        }
        if (asyncHighWater <= 0 || asyncHardLimit < asyncHighWater) {
            throw new IllegalArgumentException("async highWater must be positive and at most hardLimit, was "
                    + asyncHighWater + " / " + asyncHardLimit);
        }
        if (mirrorRate < 0 || resyncRate < 0) {
            throw new IllegalArgumentException("throttle rates must be >= 0");
        }
    }

    public MirrorSettings withRegionSize(int n) {
        return new MirrorSettings(n, asyncHighWater, asyncHardLimit, mirrorRate, resyncRate, readBlocker);
    }

    public MirrorSettings withAsync(long highWater, long hardLimit) {
        return new MirrorSettings(regionSize, highWater, hardLimit, mirrorRate, resyncRate, readBlocker);
    }

    public MirrorSettings withReadBlocker(boolean on) {
        return new MirrorSettings(regionSize, asyncHighWater, asyncHardLimit, mirrorRate, resyncRate, on);
    }

    public MirrorSettings withRates(long mirror, long resync) {
        return new MirrorSettings(regionSize, asyncHighWater, asyncHardLimit, mirror, resync, readBlocker);
    }
}
