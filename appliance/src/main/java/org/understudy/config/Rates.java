package org.understudy.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bandwidth rates as operators write them: {@code 20MB/s} (decimal, 20 000 000 B/s), {@code 20MiB/s} or {@code 20M}
 * (binary), plain bytes per second, or {@code 0}/{@code off}/{@code unlimited} for no cap ({@code false}: YAML reads a bare {@code off} as a boolean). Stateless.
 */
public final class Rates {
    private static final Pattern DECIMAL = Pattern.compile("(\\d+)\\s*([KMGT])B", Pattern.CASE_INSENSITIVE);

    private Rates() {
    }

    /** Bytes per second (0 = unlimited), or {@link IllegalArgumentException} naming the text. */
    public static long parse(String text) {
        String s = text.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("off") || lower.equals("false") || lower.equals("unlimited") || lower.equals("none")) {
            return 0;
        }
        if (lower.endsWith("/s")) {
            s = s.substring(0, s.length() - 2).trim();
        } else if (lower.endsWith("ps")) {
            s = s.substring(0, s.length() - 2).trim();
        }
        Matcher m = DECIMAL.matcher(s);
        if (m.matches()) {
            long mult = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 1_000L;
                case "M" -> 1_000_000L;
                case "G" -> 1_000_000_000L;
                default -> 1_000_000_000_000L;
            };
            try {
                return Math.multiplyExact(Long.parseLong(m.group(1)), mult);
            } catch (ArithmeticException | NumberFormatException e) {
                throw bad(text);
            }
        }
        long n = Sizes.parseOrNegative(s);
        if (n < 0) {
            throw bad(text);
        }
        return n;
    }

    /** A rate for people: {@code unlimited} or e.g. {@code 20.0 MB/s}. */
    public static String format(long bytesPerSecond) {
        if (bytesPerSecond == 0) {
            return "unlimited";
        }
        if (bytesPerSecond >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f kB/s", bytesPerSecond / 1e3);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not a rate (use e.g. 20MB/s, 20MiB/s, 5000000, or off)");
    }
}
