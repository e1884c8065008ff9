package org.understudy.web.html;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes figures for a person: bytes, rates, durations, times (UTC). Stateless. */
public final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Format() {
    }

    /** {@code 64 MiB}, {@code 1.5 GiB}; "—" for a negative (unknown) count. */
    public static String bytes(long n) {
        if (n < 0) {
            return "—";
        }
        double v = n;
        int u = 0;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, UNITS[u]);
    }

    /** {@code 20.0 MiB/s}; "unlimited" for 0. */
    public static String rate(double bytesPerSecond) {
        return bytesPerSecond <= 0 ? "unlimited" : bytes((long) bytesPerSecond) + "/s";
    }

    /** {@code 850 ms}, {@code 2.4 s}, {@code 3 min 20 s}, {@code 2 h 5 min}. */
    public static String duration(Duration d) {
        if (d == null) {
            return "—";
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + (s % 3600) / 60 + " min";
    }

    /** Microseconds as {@code 420 µs} or {@code 3.2 ms}; "—" when none were measured. */
    public static String micros(long us, long count) {
        if (count <= 0) {
            return "—";
        }
        return us < 1000 ? us + " µs" : String.format(Locale.ROOT, "%.1f ms", us / 1000.0);
    }

    /** {@code 2026-11-01 12:34:56Z}; "—" for null. */
    public static String time(Instant t) {
        return t == null ? "—" : TIME.format(t);
    }

    /** {@code 99.5 %}. */
    public static String percent(double p) {
        return String.format(Locale.ROOT, p >= 99.95 || p == 0 ? "%.0f %%" : "%.1f %%", p);
    }
}
