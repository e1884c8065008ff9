package org.understudy.alarm;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmChange;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmListener;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.AlarmSource;

/**
 * The node's one set of active alarms: engines raise and clear, every face reads {@link #active()} or subscribes, so
 * SNMP's alarm table, JMX notifications, traps and the web console always agree.
 *
 * <p>An alarm is named by kind and resource. Raising an active alarm again is idempotent: it keeps its index and
 * {@code since}; a new severity or description is taken and announced as {@link AlarmChange.Type#UPDATED}, an
 * identical raise announces nothing (engines may re-raise on every tick). Clearing an alarm that is not active does
 * nothing.
 *
 * <p>Thread-safe. Changes are serialised by one lock and listeners are called under it, in change order, on the
 * caller's thread; a listener that throws is logged and does not stop the others or the change.
 */
public final class AlarmRegistry implements AlarmSource {
    private static final Logger LOG = LogManager.getLogger(AlarmRegistry.class);

    /** Most severe first, then oldest, then by index: what a person wants to see first. */
    public static final Comparator<Alarm> DISPLAY_ORDER = Comparator.comparing(Alarm::severity)
            .thenComparing(Alarm::since).thenComparingLong(Alarm::index);

    private final String node;
    private final InstantSource wallClock;
    private final Object lock = new Object();
    private final Map<String, Alarm> active = new LinkedHashMap<>();
    private final List<AlarmListener> listeners = new CopyOnWriteArrayList<>();
    private long nextIndex = 1;
    private volatile List<Alarm> snapshot = List.of();

    /**
     * @param node      this node's name, for log lines
     * @param wallClock wall time for {@code since}; only what a person reads
     */
    public AlarmRegistry(String node, InstantSource wallClock) {
        this.node = Objects.requireNonNull(node, "node");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    }

    /** Raises with the kind's default severity. */
    public Alarm raise(AlarmKind kind, String resource, String description) {
        return raise(kind, resource, kind.defaultSeverity(), description);
    }

    /**
     * Raises an alarm, or refreshes it when it is already active (keeping its index and since).
     *
     * @return the alarm as it now stands
     */
    public Alarm raise(AlarmKind kind, String resource, AlarmSeverity severity, String description) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        String res = requireResource(resource);
        String text = description == null ? "" : description;
        synchronized (lock) {
            String id = Alarm.idOf(kind, res);
            Alarm before = active.get(id);
            Instant now = wallClock.instant();
            if (before == null) {
                Alarm after = new Alarm(nextIndex++, kind, res, severity, text, now, now);
                active.put(id, after);
                publish();
                LOG.warn("{}: alarm raised #{} {} {} on {}: {}", node, after.index(), severity, kind, res, text);
                notifyListeners(new AlarmChange(AlarmChange.Type.RAISED, null, after, null, now));
                return after;
            }
            if (before.severity() == severity && before.description().equals(text)) {
                return before;
            }
            Alarm after = new Alarm(before.index(), kind, res, severity, text, before.since(), now);
            active.put(id, after);
            publish();
            LOG.warn("{}: alarm updated #{} {} on {}: {} -> {}: {}", node, after.index(), kind, res,
                    before.severity(), severity, text);
            notifyListeners(new AlarmChange(AlarmChange.Type.UPDATED, before, after, null, now));
            return after;
        }
    }

    /**
     * Clears an active alarm.
     *
     * @param reason why it is over, for the event log and clear notifications
     * @return the alarm that was cleared, or empty when it was not active
     */
    public Optional<Alarm> clear(AlarmKind kind, String resource, String reason) {
        Objects.requireNonNull(kind, "kind");
        String res = requireResource(resource);
        synchronized (lock) {
            Alarm before = active.remove(Alarm.idOf(kind, res));
            if (before == null) {
                return Optional.empty();
            }
            Instant now = wallClock.instant();
            publish();
            LOG.info("{}: alarm cleared #{} {} on {} after {} s: {}", node, before.index(), kind, res,
                    (now.toEpochMilli() - before.since().toEpochMilli()) / 1000.0, reason);
            notifyListeners(new AlarmChange(AlarmChange.Type.CLEARED, before, null, reason, now));
            return Optional.of(before);
        }
    }

    /** Clears every active alarm on this resource or below it ({@code p1} clears {@code p1/vol0} too). */
    public List<Alarm> clearAll(String resourcePrefix, String reason) {
        String res = requireResource(resourcePrefix);
        List<Alarm> cleared = new ArrayList<>();
        synchronized (lock) {
            for (Alarm a : List.copyOf(active.values())) {
                if (a.resource().equals(res) || a.resource().startsWith(res + "/")) {
                    clear(a.kind(), a.resource(), reason).ifPresent(cleared::add);
                }
            }
        }
        return cleared;
    }

    /** Whether this alarm is active now. */
    public boolean isActive(AlarmKind kind, String resource) {
        return find(kind, resource).isPresent();
    }

    /** The active alarm of this kind on this resource. */
    public Optional<Alarm> find(AlarmKind kind, String resource) {
        synchronized (lock) {
            return Optional.ofNullable(active.get(Alarm.idOf(kind, resource)));
        }
    }

    @Override
    public List<Alarm> active() {
        return snapshot;
    }

    @Override
    public Subscription subscribe(AlarmListener listener) {
        Objects.requireNonNull(listener, "listener");
        // a wrapper per registration so the same listener registered twice unsubscribes one at a time
        AlarmListener registration = listener::alarmChanged;
        listeners.add(registration);
        return () -> listeners.remove(registration);
    }

    private void publish() {
        List<Alarm> sorted = new ArrayList<>(active.values());
        sorted.sort(DISPLAY_ORDER);
        snapshot = List.copyOf(sorted);
    }

    private void notifyListeners(AlarmChange change) {
        for (AlarmListener l : listeners) {
            try {
                l.alarmChanged(change);
            } catch (RuntimeException e) {
                LOG.error("{}: alarm listener {} failed on {} {}", node, l, change.type(), change.alarm().id(), e);
            }
        }
    }

    private static String requireResource(String resource) {
        if (resource == null || resource.isBlank()) {
            throw new IllegalArgumentException("alarm resource must not be blank");
        }
        return resource.strip();
    }
}
