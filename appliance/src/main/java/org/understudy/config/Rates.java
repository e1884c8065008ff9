package org.understudy.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bandwidth rates as operators write them, with units that cannot be misread: bytes per second ({@code B/s},
 * {@code kB/s}, {@code MB/s}, {@code GB/s}, {@code TB/s} decimal; {@code KiB/s}, {@code MiB/s}, {@code GiB/s},
 * {@code TiB/s} binary) or bits per second ({@code bit/s}, {@code kbit/s}, {@code Mbit/s}, {@code Gbit/s},
 * {@code Tbit/s}), a decimal number before the unit ({@code 2.5MB/s}); {@code 0}, {@code off}, {@code unlimited}
 * or {@code none} for no cap ({@code false}: YAML reads a bare {@code off} as a boolean). A bare number, a unit
 * without {@code /s}, or a unit people read both ways ({@code mbps}, {@code Mbps}, {@code MBps}, {@code Mb/s},
 * {@code 20M}) is refused with a message that offers both readings, since {@code 20mbps} meant 20 MB/s to one
 * person and 2.5 MB/s to another. Stateless.
 */
public final class Rates {
    /**
     * The lowest mirror cap accepted without {@code force} on a primary with a sync-mode volume: 1 MB/s. A sync write
     * is acknowledged only once the standby has it, so below this every client write waits on the cap (a 1 MiB write
     * takes a second at 1 MB/s); 0 (no cap) is always accepted.
     */
    public static final long SYNC_MIRROR_FLOOR = 1_000_000;

    /** A number and what follows it. */
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(.*)");
    private static final Pattern BYTES = Pattern.compile("(k|Ki|M|Mi|G|Gi|T|Ti)?B/s");
    private static final Pattern BITS = Pattern.compile("([kKMGT])?bit/s");

    /** One parsed rate: bytes per second, and the text it was given as (for echoing in the operator's unit). */
    public record Rate(long bytesPerSecond, String given) {
        /** What an answer says: {@code 20 Mbit/s (2,500,000 B/s)}, or {@code unlimited}. */
        public String describe() {
            return bytesPerSecond == 0 ? "unlimited" : given + " (" + bytes(bytesPerSecond) + ")";
        }
    }

    private Rates() {
    }

    /** Bytes per second (0 = unlimited), or {@link IllegalArgumentException} naming the text. */
    public static long parse(String text) {
        return rate(text).bytesPerSecond();
    }

    /** The rate and how it was written (normalised, e.g. {@code 20 Mbit/s}). */
    public static Rate rate(String text) {
        String s = text == null ? "" : text.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("off") || lower.equals("false") || lower.equals("unlimited") || lower.equals("none")
                || s.matches("0+(\\.0+)?")) {
            return new Rate(0, "unlimited");
        }
        Matcher m = RATE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a rate (use e.g. 20MB/s, 20MiB/s, "
                    + "160Mbit/s, or off)");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String unit = m.group(2).trim();
        Matcher bytes = BYTES.matcher(unit);
        Matcher bits = BITS.matcher(unit);
        BigDecimal perSecond;
        if (bytes.matches()) {
            perSecond = n.multiply(BigDecimal.valueOf(bytePrefix(bytes.group(1))));
        } else if (bits.matches()) {
            perSecond = n.multiply(BigDecimal.valueOf(decimalPrefix(bits.group(1)))).divide(BigDecimal.valueOf(8));
        } else {
            throw ambiguous(text, n, unit);
        }
        if (perSecond.signum() <= 0 || perSecond.compareTo(BigDecimal.ONE) < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is below 1 byte per second; use 0 or off for no cap");
        }
        try {
            long v = perSecond.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
            return new Rate(v, m.group(1) + " " + unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is too large a rate");
        }
    }

    /** A rate for people, exact where a unit divides it: {@code unlimited}, {@code 20 MB/s}, {@code 20 MiB/s}. */
    public static String format(long bytesPerSecond) {
        if (bytesPerSecond == 0) {
            return "unlimited";
        }
        String[] binary = {"KiB/s", "MiB/s", "GiB/s", "TiB/s"};
        String[] decimal = {"kB/s", "MB/s", "GB/s", "TB/s"};
        for (int i = binary.length - 1; i >= 0; i--) {
            long b = 1L << (10 * (i + 1));
            if (bytesPerSecond >= b && bytesPerSecond % b == 0) {
                return bytesPerSecond / b + " " + binary[i];
            }
        }
        for (int i = decimal.length - 1; i >= 0; i--) {
            long d = (long) Math.pow(1000, i + 1);
            if (bytesPerSecond >= d) {
                return BigDecimal.valueOf(bytesPerSecond).divide(BigDecimal.valueOf(d)).stripTrailingZeros()
                        .toPlainString() + " " + decimal[i];
            }
        }
        return bytesPerSecond + " B/s";
    }

    /** Exact bytes per second with thousands separators: {@code 2,500,000 B/s}. */
    public static String bytes(long bytesPerSecond) {
        return String.format(Locale.ROOT, "%,d B/s", bytesPerSecond);
    }

    private static long bytePrefix(String p) {
        if (p == null) {
            return 1;
        }
        boolean binary = p.endsWith("i");
        int power = "kKMGT".indexOf(p.charAt(0));
        int exponent = power <= 1 ? 1 : power;
        return binary ? 1L << (10 * exponent) : (long) Math.pow(1000, exponent);
    }

    private static long decimalPrefix(String p) {
        if (p == null) {
            return 1;
        }
        int power = "kKMGT".indexOf(p.charAt(0));
        return (long) Math.pow(1000, power <= 1 ? 1 : power);
    }

    /** A unit that is not one of ours: say both readings a person may have meant, or that it is no rate. */
    private static IllegalArgumentException ambiguous(String text, BigDecimal n, String unit) {
        if (unit.equals("KB/s")) {
            String num = n.stripTrailingZeros().toPlainString();
            return new IllegalArgumentException("\"" + text + "\" is ambiguous (KB is read as 1,000 and as 1,024 "
                    + "bytes): write " + num + "kB/s for " + bytes(n.multiply(BigDecimal.valueOf(1000)).longValue())
                    + ", or " + num + "KiB/s for " + bytes(n.multiply(BigDecimal.valueOf(1024)).longValue()));
        }
        String lower = unit.toLowerCase(Locale.ROOT);
        String core = lower.endsWith("/s") || lower.endsWith("ps") ? lower.substring(0, lower.length() - 2) : lower;
        char first = core.isEmpty() ? 0 : core.charAt(0);
        String prefix = "kmgt".indexOf(first) >= 0 ? (first == 'k' ? "k" : String.valueOf(Character.toUpperCase(first)))
                : "";
        String rest = prefix.isEmpty() ? core : core.substring(1);
        if (!rest.matches("|b|i|ib|bit|bits|byte|bytes")) {
            return new IllegalArgumentException("\"" + text + "\" is not a rate (use e.g. 20MB/s, 20MiB/s, "
                    + "160Mbit/s, or off)");
        }
        String byteUnit = prefix + (rest.startsWith("i") && !prefix.isEmpty() ? "iB/s" : "B/s");
        String num = n.stripTrailingZeros().toPlainString();
        if (rest.startsWith("i") && !prefix.isEmpty()) {
            return new IllegalArgumentException("\"" + text + "\" is a size, not a rate: write " + num + byteUnit);
        }
        long asBytes = n.multiply(BigDecimal.valueOf(bytePrefix(prefix.isEmpty() ? null
                : rest.startsWith("i") ? prefix + "i" : prefix))).setScale(0, java.math.RoundingMode.HALF_UP).longValue();
        long asBits = n.multiply(BigDecimal.valueOf(decimalPrefix(prefix.isEmpty() ? null : prefix)))
                .divide(BigDecimal.valueOf(8)).setScale(0, java.math.RoundingMode.HALF_UP).longValue();
        String what = unit.isEmpty() ? "a number without a unit" : "\"" + unit + "\" is read both ways";
        return new IllegalArgumentException("\"" + text + "\" is ambiguous (" + what + "): write " + num + byteUnit
                + " for " + bytes(asBytes) + ", or " + num + prefix + "bit/s for " + bytes(asBits));
    }
}
