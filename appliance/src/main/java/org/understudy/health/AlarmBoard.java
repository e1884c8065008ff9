package org.understudy.health;

import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;

/**
 * How the health and failover engines raise and clear alarms: by a short stable id ({@code failed:p1},
 * {@code path-down:p1:link}, {@code standby-lost}...), which names the {@link AlarmKind} by its prefix, on the node's
 * one {@link AlarmRegistry} that every face reads. Thread-safe.
 */
public final class AlarmBoard {
    private static final Logger LOG = LogManager.getLogger(AlarmBoard.class);

    /** Id prefix → kind. Every id an engine uses must start with one of these. */
    private static final Map<String, AlarmKind> KINDS = Map.ofEntries(
            Map.entry("path-down", AlarmKind.PATH_DOWN),
            Map.entry("probe-only", AlarmKind.PATH_DOWN),
            Map.entry("standby-path-down", AlarmKind.PATH_DOWN),
            Map.entry("standby-lost", AlarmKind.STANDBY_LOST),
            Map.entry("failed", AlarmKind.PRIMARY_FAILED),
            Map.entry("standing-in", AlarmKind.STANDING_IN),
            Map.entry("fenced", AlarmKind.FENCED),
            Map.entry("revived", AlarmKind.PRIMARY_REVIVED),
            Map.entry("split-brain", AlarmKind.SPLIT_BRAIN),
            Map.entry("vault-mode", AlarmKind.AUTOSWITCH_OFF),
            Map.entry("failback-failed", AlarmKind.FAILOVER_FAILED));

    private record Key(AlarmKind kind, String resource) {
    }

    private final String self;
    private final AlarmRegistry registry;
    private final Map<String, Key> raised = new ConcurrentHashMap<>();

    public AlarmBoard(String self, AlarmRegistry registry) {
        this.self = self;
        this.registry = registry;
    }

    /** A board over a registry of its own (tests, and engines run without a node around them). */
    public AlarmBoard(String self, InstantSource wall) {
        this(self, new AlarmRegistry(self, wall.withZone(ZoneOffset.UTC)));
    }

    public AlarmRegistry registry() {
        return registry;
    }

    public void raise(String id, AlarmSeverity severity, String resource, String cause) {
        Key key = new Key(kindOf(id), resource);
        Key old = raised.put(id, key);
        if (old != null && !old.equals(key)) {
            registry.clear(old.kind(), old.resource(), "superseded by " + id + " on " + resource);
        }
        registry.raise(key.kind(), key.resource(), severity, cause);
    }

    public void clear(String id, String reason) {
        Key key = raised.remove(id);
        if (key != null) {
            registry.clear(key.kind(), key.resource(), reason);
        }
    }

    public boolean isActive(String id) {
        Key key = raised.get(id);
        return key != null && registry.isActive(key.kind(), key.resource());
    }

    /** The active alarms of the whole node (point-in-time copy). */
    public List<Alarm> active() {
        return registry.active();
    }

    private AlarmKind kindOf(String id) {
        int colon = id.indexOf(':');
        AlarmKind kind = KINDS.get(colon < 0 ? id : id.substring(0, colon));
        if (kind == null) {
            LOG.error("{}: alarm id {} has no known kind; filed as PRIMARY_FAILED so it is not lost", self, id);
            return AlarmKind.PRIMARY_FAILED;
        }
        return kind;
    }
}
