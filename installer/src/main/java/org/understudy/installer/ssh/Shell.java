package org.understudy.installer.ssh;

/**
 * Quoting for the shell scripts the installer sends. Every absolute path on a target is written as {@link #path}:
 * prefixed with {@code $R}, which scripts set from {@code UNDERSTUDY_TARGET_ROOT} (empty on real hosts; a directory
 * per simulated host in tests, so one code path serves both). Stateless.
 */
public final class Shell {
    /** The first line of every script: the target root (empty on real hosts). */
    public static final String PROLOGUE = "R=\"${UNDERSTUDY_TARGET_ROOT:-}\"\n";

    private Shell() {
    }

    /** {@code 'text'} with embedded single quotes escaped: one shell word, nothing expanded. */
    public static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** {@code "$R/abs/path"}: an absolute path on the target, under the target root. */
    public static String path(String absolute) {
        if (!absolute.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + absolute);
        }
        return "\"$R\"" + quote(absolute);
    }
}
