package org.understudy.utility;

/** A snapshot action that is not possible now; nothing was changed. The message says why, for an operator. */
public final class SnapshotRefused extends Exception {
    public SnapshotRefused(String message) {
        super(message);
    }
}
