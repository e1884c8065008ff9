package org.understudy.cli;

import java.util.Locale;

/** A one-line progress bar with rate and ETA, for terminals: {@code p1/vol0 resync [#####.....] 52% 40.0 MiB/s ETA 3s}. */
final class Progress {
    private Progress() {
    }

    static String bar(String what, long done, long total, double bytesPerSecond, int columns) {
        double f = total <= 0 ? 1 : Math.min(1, (double) done / total);
        String tail = String.format(Locale.ROOT, " %3d%% %s/s ETA %s", Math.round(f * 100),
                StatusFormatter.bytes((long) bytesPerSecond), eta(total - done, bytesPerSecond));
        int width = Math.max(10, Math.min(40, columns - what.length() - tail.length() - 5));
        int filled = (int) Math.round(f * width);
        return "  " + what + " [" + "#".repeat(filled) + ".".repeat(width - filled) + "]" + tail;
    }

    static String eta(long remaining, double bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            return "?";
        }
        return StatusFormatter.duration(java.time.Duration.ofSeconds((long) Math.ceil(remaining / bytesPerSecond)));
    }
}
