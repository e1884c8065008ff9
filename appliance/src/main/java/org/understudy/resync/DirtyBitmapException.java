package org.understudy.resync;

import java.io.IOException;

/**
 * A dirty-region bitmap file could not be used: missing, corrupt, or made for another volume geometry.
 *
 * <p>The {@link #reason()} lets the caller choose the safe fallback (treat every region as dirty, see
 * {@link DirtyBitmap.OnBadFile#TREAT_ALL_DIRTY}) or stop and alarm. Immutable.
 */
public final class DirtyBitmapException extends IOException {

    /** Why the file was refused. */
    public enum Reason {
        /** No bitmap file where one was expected (a lost file must never be read as "all clean"). */
        MISSING,
        /** Bad magic, unknown version, checksum mismatch, truncated file, or no valid snapshot slot. */
        CORRUPT,
        /** A valid file made for a different region size, extent size or volume size. */
        MISMATCH
    }

    private final Reason reason;

    public DirtyBitmapException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
