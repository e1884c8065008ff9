package org.understudy.model;

/**
 * The bandwidth caps in force on one primary's replication traffic, in bytes per second, 0 meaning unlimited: one for
 * mirrored writes, one for resync (catch-up) copying. Each is the tighter of the primary's link cap and its global
 * cap. Immutable.
 *
 * <p>On a primary they are read from its throttles, so they are exact. The standby does not carry the traffic; its
 * view starts from the cluster file, takes every change made through the standby as the primary confirmed it, and
 * reads each primary's caps from its status every few seconds, so a change made directly at a primary shows on the
 * standby within that time.
 */
public record BandwidthCaps(long mirror, long resync) {
    /** No cap on either traffic. */
    public static final BandwidthCaps UNLIMITED = new BandwidthCaps(0, 0);

    public BandwidthCaps {
        if (mirror < 0 || resync < 0) {
            throw new IllegalArgumentException("caps must be >= 0 (0 = unlimited): mirror " + mirror + ", resync " + resync);
        }
    }

    /** The tighter of two caps where 0 means unlimited. */
    public static long tighter(long a, long b) {
        if (a == 0) {
            return b;
        }
        return b == 0 ? a : Math.min(a, b);
    }

    public BandwidthCaps withMirror(long bytesPerSecond) {
        return new BandwidthCaps(bytesPerSecond, resync);
    }

    public BandwidthCaps withResync(long bytesPerSecond) {
        return new BandwidthCaps(mirror, bytesPerSecond);
    }
}
