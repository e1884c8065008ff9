package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the {@code health:}, {@code failover:} and {@code eventLog:} blocks (cluster level and per primary) for
 * {@link ClusterConfigLoader}, reporting problems through the loader's {@link TreeReader}. Not thread-safe (one per
 * load).
 */
final class HaConfigReader {
    static final Set<String> HEALTH = Set.of("interval", "timeout", "heartbeatPort", "processDeadGrace",
            "probeTimeout", "startupGrace");
    static final Set<String> FAILOVER = Set.of("auto", "maxStandIns", "abortOnFencingFailure", "fencingCommand",
            "commandsDir", "commandTimeout", "identity", "device", "prefix", "releaseTimeout");
    static final Set<String> PRIMARY_FAILOVER = Set.of("fencingCommand", "commandsDir", "commandTimeout", "identity",
            "device", "prefix", "releaseTimeout");
    static final Set<String> EVENT_LOG = Set.of("retentionDays", "maxRows", "authFailureAlarmPerMinute");

    private final TreeReader r;
    private final Path dir;

    HaConfigReader(TreeReader r, Path dir) {
        this.r = r;
        this.dir = dir;
    }

    HaConfig.Health health(JsonNode node, String path, HaConfig.Health base) {
        if (node == null || node.isNull()) {
            return base;
        }
        ObjectNode o = r.object(node, path, true);
        if (o == null) {
            return base;
        }
        r.onlyKeys(o, path, HEALTH);
        Duration interval = duration(o, path, "interval", base.interval());
        Duration timeout = duration(o, path, "timeout", base.timeout());
        int port = r.port(o, path, "heartbeatPort", base.heartbeatPort());
        if (interval != null && timeout != null && timeout.compareTo(interval) <= 0) {
            r.problem(TreeReader.join(path, "timeout"), timeout.toMillis() + " ms must be longer than the interval ("
                    + interval.toMillis() + " ms)");
        }
        // a grace not given follows an interval given here (1.5 of them), unless the base had the fast path off
        Duration graceBase = o.has("interval") && interval != null && base.fastPath()
                ? HaConfig.Health.defaultGrace(interval) : base.processDeadGrace();
        Duration grace = duration(o, path, "processDeadGrace", graceBase, true);
        if (grace != null && interval != null && !grace.isZero() && grace.compareTo(interval) <= 0) {
            r.problem(TreeReader.join(path, "processDeadGrace"), grace.toMillis() + " ms must be 0 (fast path off) "
                    + "or longer than the interval (" + interval.toMillis() + " ms), so a live primary's next "
                    + "heartbeat falls inside it");
            grace = null;
        }
        Duration probe = duration(o, path, "probeTimeout", base.probeTimeout());
        Duration startup = duration(o, path, "startupGrace", base.startupGrace(), true);
        if (interval == null || timeout == null || port < 0 || grace == null || probe == null || startup == null) {
            return base;
        }
        return new HaConfig.Health(interval, timeout, port, grace, probe, startup);
    }

    HaConfig.Failover failover(JsonNode node, String path, HaConfig.Failover base, boolean cluster) {
        if (node == null || node.isNull()) {
            return base;
        }
        ObjectNode o = r.object(node, path, true);
        if (o == null) {
            return base;
        }
        r.onlyKeys(o, path, cluster ? FAILOVER : PRIMARY_FAILOVER);
        boolean auto = bool(o, path, "auto", base.auto());
        int maxStandIns = (int) number(o, path, "maxStandIns", base.maxStandIns(), 1, 1000);
        boolean abort = bool(o, path, "abortOnFencingFailure", base.abortOnFencingFailure());
        List<String> fencing = command(o, path, "fencingCommand", base.fencingCommand());
        String dirText = r.text(o, path, "commandsDir", "");
        Path commands = dirText == null || dirText.isEmpty() ? base.commandsDir() : dir.resolve(dirText).normalize();
        Duration timeout = duration(o, path, "commandTimeout", base.commandTimeout());
        HaConfig.Identity identity = base.identity();
        String id = r.text(o, path, "identity", "");
        if (id != null && !id.isEmpty()) {
            try {
                identity = HaConfig.Identity.valueOf(id.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                r.problem(TreeReader.join(path, "identity"), TreeReader.quote(id) + " is not an identity action (use "
                        + "loopback or ip)");
            }
        }
        String device = r.text(o, path, "device", base.device());
        int prefix = (int) number(o, path, "prefix", base.prefix(), 1, 128);
        Duration release = duration(o, path, "releaseTimeout", base.releaseTimeout());
        return new HaConfig.Failover(auto, maxStandIns, abort, fencing, commands,
                timeout == null ? base.commandTimeout() : timeout, identity, device == null ? base.device() : device,
                prefix, release == null ? base.releaseTimeout() : release);
    }

    HaConfig.EventLog eventLog(JsonNode node, String path) {
        HaConfig.EventLog base = HaConfig.EventLog.DEFAULTS;
        if (node == null || node.isNull()) {
            return base;
        }
        ObjectNode o = r.object(node, path, true);
        if (o == null) {
            return base;
        }
        r.onlyKeys(o, path, EVENT_LOG);
        return new HaConfig.EventLog((int) number(o, path, "retentionDays", base.retentionDays(), 1, 36500),
                number(o, path, "maxRows", base.maxRows(), 100, Long.MAX_VALUE),
                number(o, path, "authFailureAlarmPerMinute", base.authFailureAlarmPerMinute(), 1, 1_000_000));
    }

    private Duration duration(ObjectNode o, String path, String key, Duration fallback) {
        return r.duration(o, path, key, fallback);
    }

    /** A duration; zero only where {@code zeroAllowed} (it turns something off). */
    private Duration duration(ObjectNode o, String path, String key, Duration fallback, boolean zeroAllowed) {
        return r.duration(o, path, key, fallback, zeroAllowed);
    }

    private boolean bool(ObjectNode o, String path, String key, boolean fallback) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            r.problem(TreeReader.join(path, key), TreeReader.quote(v.asText()) + " must be true or false");
            return fallback;
        }
        return v.asBoolean();
    }

    private long number(ObjectNode o, String path, String key, long fallback, long min, long max) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            r.problem(TreeReader.join(path, key), TreeReader.quote(v.asText()) + " must be a whole number from " + min
                    + " to " + max);
            return fallback;
        }
        return v.asLong();
    }

    /** A command as a list of words, or one string split on spaces. */
    private List<String> command(ObjectNode o, String path, String key, List<String> fallback) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        List<String> argv = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> argv.add(e.asText()));
        } else if (v.isTextual()) {
            argv.addAll(List.of(v.asText().trim().split("\\s+")));
        } else {
            r.problem(TreeReader.join(path, key), "must be a command line or a list of words");
            return fallback;
        }
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            return List.of();
        }
        Path exe = dir.resolve(argv.get(0)).normalize();
        if (argv.get(0).contains("/")) {
            argv.set(0, exe.toString());
        }
        return argv;
    }
}
