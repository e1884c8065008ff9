package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of a parsed YAML tree and collects every problem as {@code key.path: what is wrong}, so a
 * loader can report all of them at once instead of stopping at the first. Not thread-safe: one instance per load.
 */
final class TreeReader {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private final List<String> problems = new ArrayList<>();

    List<String> problems() {
        return problems;
    }

    void problem(String path, String what) {
        problems.add(path + ": " + what);
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The mapping at {@code path}; reports and returns null when it is absent (if required) or not a mapping. */
    ObjectNode object(JsonNode node, String path, boolean required) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            if (required) {
                problem(path, "is missing");
            }
            return null;
        }
        if (!node.isObject()) {
            problem(path, "must be a mapping of keys to values, not " + describe(node));
            return null;
        }
        return (ObjectNode) node;
    }

    /**
     * The mapping {@code key} of {@code parent} with its keys checked against {@code allowed}; null when absent, or
     * when it is no mapping (reported), or when required and missing (reported).
     */
    ObjectNode block(ObjectNode parent, String path, String key, Set<String> allowed, boolean required) {
        String p = join(path, key);
        ObjectNode o = object(parent.get(key), p, required);
        if (o != null) {
            onlyKeys(o, p, allowed);
        }
        return o;
    }

    /** Reports every key of {@code node} not in {@code allowed}: a typo must never be silently ignored. */
    void onlyKeys(ObjectNode node, String path, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                problem(join(path, key), "unknown key (expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A scalar as text; {@code fallback} when absent (null fallback means required). */
    String text(ObjectNode node, String path, String key, String fallback) {
        JsonNode v = node.get(key);
        String p = join(path, key);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                problem(p, "is missing");
            }
            return fallback;
        }
        if (!v.isValueNode()) {
            problem(p, "must be a single value, not " + describe(v));
            return null;
        }
        String s = v.asText().trim();
        if (s.isEmpty()) {
            problem(p, "must not be empty");
            return null;
        }
        return s;
    }

    String name(ObjectNode node, String path, String key) {
        String s = text(node, path, key, null);
        if (s != null && !NAME.matcher(s).matches()) {
            problem(join(path, key), quote(s) + " is not a valid name (1-32 of a-z, 0-9, '_', '-', starting with a letter or digit)");
            return null;
        }
        return s;
    }

    String address(ObjectNode node, String path, String key, String fallback) {
        String s = text(node, path, key, fallback);
        if (s != null && !isAddress(s)) {
            problem(join(path, key), quote(s) + " is not an IP address or a resolvable host name");
            return null;
        }
        return s;
    }

    int port(ObjectNode node, String path, String key, int fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > 65535) {
            problem(join(path, key), quote(v.asText()) + " is not a port (use 1-65535)");
            return -1;
        }
        return v.asInt();
    }

    /** A byte count: plain bytes or a K/M/G/T (or KiB/MiB/GiB/TiB) binary suffix; -1 when invalid or absent. */
    long size(ObjectNode node, String path, String key) {
        String s = text(node, path, key, null);
        if (s == null) {
            return -1;
        }
        long bytes = parseSize(s);
        if (bytes < 0) {
            problem(join(path, key), quote(s) + " is not a size (use bytes or a KiB/MiB/GiB/TiB suffix)");
        }
        return bytes;
    }

    /** Parses a size; -1 when it is not one or overflows. */
    static long parseSize(String s) {
        return Sizes.parseOrNegative(s);
    }

    /**
     * True for IP literals (checked without any lookup) and for names the resolver knows. Literal checks come first
     * so tests and loopback clusters never touch DNS.
     */
    static boolean isAddress(String s) {
        if (IPV4.matcher(s).matches()) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        try {
            if (s.contains(":")) {
                // an IPv6 literal: InetAddress parses it without a lookup
                return s.matches("[0-9a-fA-F:.]+") && InetAddress.getByName(s) != null;
            }
            if (!s.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
                return false;
            }
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * A duration such as {@code 250ms}, {@code 2s}, {@code 30m} (plain numbers are milliseconds); {@code fallback}
     * when absent, null (reported) when invalid or zero.
     */
    java.time.Duration duration(ObjectNode node, String path, String key, java.time.Duration fallback) {
        return duration(node, path, key, fallback, false);
    }

    /** As {@link #duration(ObjectNode, String, String, java.time.Duration)}; zero too where {@code zeroAllowed}. */
    java.time.Duration duration(ObjectNode node, String path, String key, java.time.Duration fallback,
                                boolean zeroAllowed) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v.asText().trim());
        if (!v.isValueNode() || !m.matches()) {
            problem(join(path, key), quote(v.asText()) + " is not a duration (e.g. 250ms, 2s, 1m)");
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        java.time.Duration d = switch (unit) {
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofMillis(n);
        };
        if (d.isZero() && !zeroAllowed) {
            problem(join(path, key), "must be longer than zero");
            return null;
        }
        return d;
    }

    /** A boolean; {@code fallback} when absent, null (reported) when it is neither true nor false. */
    Boolean bool(ObjectNode node, String path, String key, boolean fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        String s = v.asText().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        problem(join(path, key), quote(v.asText()) + " is not true or false");
        return null;
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }

    static String describe(JsonNode node) {
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return "the value " + quote(node.asText());
    }
}
