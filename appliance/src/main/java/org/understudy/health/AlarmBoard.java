package org.understudy.health;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.Alarm;
import org.understudy.model.ModelEvent;
import org.understudy.model.Severity;

/**
 * The active alarms of one node: raise and clear by a stable id, each change published as a {@link ModelEvent}.
 * Raising an active alarm again updates its cause and severity but keeps its {@code since} and publishes nothing
 * new unless something changed. Thread-safe; events are published outside the lock.
 */
public final class AlarmBoard {
    private static final Logger LOG = LogManager.getLogger(AlarmBoard.class);

    private final String self;
    private final InstantSource wall;
    private final Consumer<ModelEvent> events;
    private final Map<String, Alarm> active = new LinkedHashMap<>();

    public AlarmBoard(String self, InstantSource wall, Consumer<ModelEvent> events) {
        this.self = self;
        this.wall = wall;
        this.events = events;
    }

    public void raise(String id, Severity severity, String resource, String cause) {
        Alarm a;
        synchronized (this) {
            Alarm old = active.get(id);
            if (old != null && old.severity() == severity && old.cause().equals(cause)) {
                return;
            }
            a = new Alarm(id, severity, resource, cause, old == null ? wall.instant() : old.since());
            active.put(id, a);
        }
        LOG.warn("{}: alarm {} {} on {}: {}", self, severity, id, resource, cause);
        events.accept(new ModelEvent.AlarmRaised(wall.instant(), a));
    }

    public void clear(String id, String reason) {
        Alarm a;
        synchronized (this) {
            a = active.remove(id);
        }
        if (a != null) {
            LOG.info("{}: alarm {} cleared: {}", self, id, reason);
            events.accept(new ModelEvent.AlarmCleared(wall.instant(), a, reason));
        }
    }

    public synchronized boolean isActive(String id) {
        return active.containsKey(id);
    }

    /** The active alarms, oldest first (point-in-time copy). */
    public synchronized List<Alarm> active() {
        return new ArrayList<>(active.values());
    }
}
