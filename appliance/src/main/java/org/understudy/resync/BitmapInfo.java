package org.understudy.resync;

/**
 * What one side's dirty bitmap can contribute to a resync decision. Immutable.
 *
 * @param usable       the bitmap was loaded intact (or rebuilt all-dirty) and covers every change since its base
 * @param dirtyRegions regions it marks dirty (0 when not usable)
 */
public record BitmapInfo(boolean usable, long dirtyRegions) {

    /** No usable bitmap on this side (missing, refused as corrupt, or this side keeps none). */
    public static final BitmapInfo NONE = new BitmapInfo(false, 0);

    public BitmapInfo {
        if (dirtyRegions < 0) {
            throw new IllegalArgumentException("negative dirty region count " + dirtyRegions);
        }
    }

    /** A usable bitmap with {@code dirtyRegions} dirty regions. */
    public static BitmapInfo of(long dirtyRegions) {
        return new BitmapInfo(true, dirtyRegions);
    }

    /** The state of an open {@link DirtyBitmap}. */
    public static BitmapInfo of(DirtyBitmap bitmap) {
        return of(bitmap.dirtyRegionCount());
    }
}
