package org.understudy.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as operators write them: plain bytes or a binary suffix (K, KiB, M, MiB, G, GiB, T, TiB). */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([KMGT])(?:iB)?)?", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /** Parses a size or throws {@link IllegalArgumentException} naming the text. */
    public static long parse(String s) {
        long n = parseOrNegative(s);
        if (n < 0) {
            throw new IllegalArgumentException("\"" + s + "\" is not a size (use bytes or a KiB/MiB/GiB/TiB suffix)");
        }
        return n;
    }

    /** Parses a size; -1 when it is not one or overflows. */
    static long parseOrNegative(String s) {
        Matcher m = SIZE.matcher(s.trim());
        if (!m.matches()) {
            return -1;
        }
        try {
            long n = Long.parseLong(m.group(1));
            int shift = m.group(2) == null ? 0 : switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 40;
            };
            return Math.multiplyExact(n, 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }
}
