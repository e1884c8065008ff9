package org.understudy.failover;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.ModelEvent;

/**
 * What the failover engine decided under its lock and must do after releasing it: publish events, raise and clear
 * alarms, launch takeovers. Queued in order, run by {@link #flush} on the caller's thread outside the engine lock, so
 * listeners may call back into the engine. Thread-safe (its own short lock, never held while running work).
 */
final class Outbox {
    private static final Logger LOG = LogManager.getLogger(Outbox.class);

    private final String self;
    private final InstantSource wall;
    private final AlarmRegistry alarms;
    private final Consumer<ModelEvent> events;
    private final Deque<Runnable> pending = new ArrayDeque<>();

    Outbox(String self, InstantSource wall, AlarmRegistry alarms, Consumer<ModelEvent> events) {
        this.self = self;
        this.wall = wall;
        this.alarms = alarms;
        this.events = events;
    }

    InstantSource wall() {
        return wall;
    }

    synchronized void later(Runnable r) {
        pending.addLast(r);
    }

    void publish(ModelEvent e) {
        later(() -> events.accept(e));
    }

    void raise(AlarmKind kind, String resource, AlarmSeverity severity, String cause) {
        later(() -> alarms.raise(kind, resource, severity, cause));
    }

    void clear(AlarmKind kind, String resource, String reason) {
        later(() -> alarms.clear(kind, resource, reason));
    }

    void flush() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = pending.pollFirst();
            }
            if (next == null) {
                return;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.error("{}: event listener or takeover launch failed", self, e);
            }
        }
    }
}
