package org.understudy.primary;

import static org.understudy.model.PrimaryLifecycle.COPYING_BACK;
import static org.understudy.model.PrimaryLifecycle.DRAINING;
import static org.understudy.model.PrimaryLifecycle.FENCED;
import static org.understudy.model.PrimaryLifecycle.SERVING;
import static org.understudy.model.PrimaryLifecycle.STARTING;
import static org.understudy.model.PrimaryLifecycle.STOPPED;

import java.time.InstantSource;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.LifecycleSnapshot;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryLifecycle;

/**
 * A primary node's lifecycle: every move goes through {@link #transition}, which checks the table below, logs the
 * cause and publishes a {@link ModelEvent.LifecycleChanged}.
 * <pre>
 *  STARTING ──► SERVING ◄──► DRAINING          (a drain that cannot finish serves again)
 *     │           │  ▲           │
 *     │           ▼  │           │ drained: handed over
 *     └──────►  FENCED ◄─────────┘
 *                 │  ▲
 *                 ▼  │ copy ended (either way)
 *             COPYING_BACK ──► SERVING           (the role returned after a failback)
 *  every state ──► STOPPED
 * </pre>
 * Thread-safe: moves are serialised on the machine; {@link #snapshot} reads one consistent state.
 */
final class Lifecycle {
    private static final Logger LOG = LogManager.getLogger(Lifecycle.class);

    /** Allowed successors of every state. */
    static final Map<PrimaryLifecycle, Set<PrimaryLifecycle>> SUCCESSORS = table();

    private static Map<PrimaryLifecycle, Set<PrimaryLifecycle>> table() {
        Map<PrimaryLifecycle, Set<PrimaryLifecycle>> t = new EnumMap<>(PrimaryLifecycle.class);
        t.put(STARTING, EnumSet.of(SERVING, FENCED, STOPPED));
        t.put(SERVING, EnumSet.of(DRAINING, FENCED, STOPPED));
        t.put(DRAINING, EnumSet.of(SERVING, FENCED, STOPPED));
        t.put(FENCED, EnumSet.of(SERVING, COPYING_BACK, STOPPED));
        t.put(COPYING_BACK, EnumSet.of(FENCED, SERVING, STOPPED));
        t.put(STOPPED, EnumSet.noneOf(PrimaryLifecycle.class));
        for (PrimaryLifecycle s : PrimaryLifecycle.values()) {
            if (!t.containsKey(s)) {
                throw new IllegalStateException("no successors defined for " + s);
            }
            t.put(s, Collections.unmodifiableSet(t.get(s)));
        }
        return Collections.unmodifiableMap(t);
    }

    /** A move the table does not allow. */
    static final class IllegalMoveException extends IllegalStateException {
        IllegalMoveException(String message) {
            super(message);
        }
    }

    private final String node;
    private final InstantSource wall;
    private final Consumer<ModelEvent> listener;
    private volatile LifecycleSnapshot current;

    Lifecycle(String node, InstantSource wall, Consumer<ModelEvent> listener) {
        this.node = node;
        this.wall = wall;
        this.listener = listener;
        this.current = new LifecycleSnapshot(STARTING, "opening its volumes", wall.instant());
    }

    static boolean allowed(PrimaryLifecycle from, PrimaryLifecycle to) {
        return SUCCESSORS.get(from).contains(to);
    }

    PrimaryLifecycle state() {
        return current.state();
    }

    LifecycleSnapshot snapshot() {
        return current;
    }

    /** True while the node may not serve: fenced, or copying back under its fence. */
    boolean fenced() {
        PrimaryLifecycle s = current.state();
        return s == FENCED || s == COPYING_BACK;
    }

    /**
     * Moves to {@code to} for {@code cause}.
     *
     * @throws IllegalMoveException if the table does not allow it (state unchanged)
     */
    void transition(PrimaryLifecycle to, String cause) {
        ModelEvent.LifecycleChanged event;
        synchronized (this) {
            PrimaryLifecycle from = current.state();
            if (!allowed(from, to)) {
                LOG.error("{}: refused illegal lifecycle move {} -> {} ({})", node, from, to, cause);
                throw new IllegalMoveException(node + ": " + from + " -> " + to + " is not allowed (" + cause + ")");
            }
            current = new LifecycleSnapshot(to, cause, wall.instant());
            event = new ModelEvent.LifecycleChanged(current.since(), node, from, to, cause);
            LOG.info("{}: lifecycle {} -> {}: {}", node, from, to, cause);
        }
        listener.accept(event);
    }

    /** Moves to {@code to} only from {@code from}; false (nothing logged) when the node is elsewhere by now. */
    boolean transitionFrom(PrimaryLifecycle from, PrimaryLifecycle to, String cause) {
        synchronized (this) {
            if (current.state() != from) {
                return false;
            }
            transition(to, cause);
            return true;
        }
    }
}
