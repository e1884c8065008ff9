package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code snapshots:} blocks (cluster level and inside a primary) for {@link ClusterConfigLoader}, reporting
 * problems through the loader's {@link TreeReader}. Not thread-safe (one per load).
 */
final class SnapshotConfigReader {
    static final Set<String> CLUSTER = Set.of("chunkSize", "port", "spaceLimit", "preResync", "keepAfterResync",
            "schedules");
    static final Set<String> PRIMARY = Set.of("spaceLimit", "preResync", "keepAfterResync", "schedules");
    private static final Set<String> SCHEDULE = Set.of("name", "every", "keep");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

    private final TreeReader r;

    SnapshotConfigReader(TreeReader r) {
        this.r = r;
    }

    /** The cluster's block: chunk size and port, and the policy every primary inherits. */
    SnapshotConfig cluster(JsonNode node) {
        SnapshotConfig d = SnapshotConfig.DEFAULTS;
        if (node == null || node.isNull()) {
            return d;
        }
        ObjectNode o = r.object(node, "snapshots", true);
        if (o == null) {
            return d;
        }
        r.onlyKeys(o, "snapshots", CLUSTER);
        int chunk = d.chunkSize();
        if (o.hasNonNull("chunkSize")) {
            long c = r.size(o, "snapshots", "chunkSize");
            if (c >= 0 && (c < 4096 || c > (4 << 20) || Long.bitCount(c) != 1)) {
                r.problem("snapshots.chunkSize", c + " bytes is not a power of two from 4KiB to 4MiB");
            } else if (c > 0) {
                chunk = (int) c;
            }
        }
        int port = r.port(o, "snapshots", "port", d.port());
        SnapshotConfig.Policy policy = policy(o, "snapshots", SnapshotConfig.Policy.DEFAULTS);
        return new SnapshotConfig(chunk, port < 0 ? d.port() : port, policy, java.util.Map.of());
    }

    /** A primary's own block, over the cluster's policy. */
    SnapshotConfig.Policy primary(JsonNode node, String path, SnapshotConfig.Policy base) {
        ObjectNode o = r.object(node, path, true);
        if (o == null) {
            return base;
        }
        r.onlyKeys(o, path, PRIMARY);
        return policy(o, path, base);
    }

    private SnapshotConfig.Policy policy(ObjectNode o, String path, SnapshotConfig.Policy base) {
        long limit = base.spaceLimit();
        if (o.hasNonNull("spaceLimit")) {
            long l = r.size(o, path, "spaceLimit");
            limit = l < 0 ? limit : l;
        }
        boolean preResync = base.preResync();
        JsonNode p = o.get("preResync");
        if (p != null && !p.isNull()) {
            if (!p.isBoolean()) {
                r.problem(TreeReader.join(path, "preResync"), TreeReader.quote(p.asText()) + " must be true or false");
            } else {
                preResync = p.asBoolean();
            }
        }
        Duration keep = duration(o.get("keepAfterResync"), TreeReader.join(path, "keepAfterResync"),
                base.keepAfterResync(), true);
        List<SnapshotConfig.Schedule> schedules = base.schedules();
        if (o.has("schedules")) {
            schedules = schedules(o.get("schedules"), TreeReader.join(path, "schedules"));
        }
        return new SnapshotConfig.Policy(limit, preResync, keep == null ? base.keepAfterResync() : keep, schedules);
    }

    private List<SnapshotConfig.Schedule> schedules(JsonNode node, String path) {
        List<SnapshotConfig.Schedule> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            r.problem(path, "must be a list of schedules ({ every: 1h, keep: 24 }), not " + TreeReader.describe(node));
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String sp = path + "[" + i + "]";
            ObjectNode s = r.object(node.get(i), sp, true);
            if (s == null) {
                continue;
            }
            r.onlyKeys(s, sp, SCHEDULE);
            Duration every = duration(s.get("every"), TreeReader.join(sp, "every"), null, false);
            JsonNode k = s.get("keep");
            int keep = -1;
            if (k == null || !k.isIntegralNumber() || k.asInt() < 1 || k.asInt() > 10_000) {
                r.problem(TreeReader.join(sp, "keep"), (k == null ? "is missing" : TreeReader.quote(k.asText())
                        + " is not") + " a whole number of snapshots from 1 to 10000");
            } else {
                keep = k.asInt();
            }
            String name = s.hasNonNull("name") ? r.name(s, sp, "name") : every == null ? null : "every-" + text(every);
            if (name != null && !names.add(name)) {
                r.problem(TreeReader.join(sp, "name"), TreeReader.quote(name) + " names two schedules of one primary");
            }
            if (every != null && keep > 0 && name != null) {
                out.add(new SnapshotConfig.Schedule(name, every, keep));
            }
        }
        return out;
    }

    /** {@code 30s}, {@code 15m}, {@code 1h}, {@code 7d}; zero only where {@code zeroAllowed}. */
    private Duration duration(JsonNode v, String path, Duration fallback, boolean zeroAllowed) {
        if (v == null || v.isNull()) {
            if (fallback == null) {
                r.problem(path, "is missing");
            }
            return fallback;
        }
        Matcher m = DURATION.matcher(v.asText().trim());
        if (!v.isValueNode() || !m.matches()) {
            r.problem(path, TreeReader.quote(v.asText()) + " is not a duration (e.g. 30s, 15m, 1h, 7d)");
            return null;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() && !zeroAllowed) {
            r.problem(path, "must be longer than zero");
            return null;
        }
        return d;
    }

    /** The schedule's default label, e.g. {@code 1h}, {@code 7d}, {@code 90m}. */
    static String text(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
