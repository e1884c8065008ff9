package org.understudy.storage;

import java.io.IOException;

/**
 * Tells a write refused for lack of room on the file system (ENOSPC) from other I/O errors. Java has no exception of
 * its own for it: the file channel throws a plain {@link IOException} whose message is the C library's text. Stateless.
 */
public final class NoSpace {
    /** What strerror(ENOSPC) says (glibc, musl). */
    static final String MESSAGE = "No space left on device";

    private NoSpace() {
    }

    /** Whether {@code e} or one of its causes is the file system running out of room. */
    public static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(MESSAGE)) {
                return true;
            }
        }
        return false;
    }
}
