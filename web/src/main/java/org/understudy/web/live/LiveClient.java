package org.understudy.web.live;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlets.EventSource;

/**
 * One open page: its view and its SSE emitter. Events for it queue per slot (a newer event for the same slot replaces
 * one not yet sent, so a slow page costs bounded memory) and are written by a task on the hub's executor, so a
 * page that stops reading blocks only its own writer, never the hub or other pages. Thread-safe.
 */
final class LiveClient implements EventSource {
    private final String view;
    private final LiveHub<?> hub;
    private final Executor writers;
    private final BooleanSupplier sessionLive;
    private final Map<String, LiveEvent> pending = new LinkedHashMap<>();
    private Emitter emitter;
    private boolean writing;
    private volatile boolean closed;

    LiveClient(String view, LiveHub<?> hub, Executor writers, BooleanSupplier sessionLive) {
        this.view = view;
        this.hub = hub;
        this.writers = writers;
        this.sessionLive = sessionLive;
    }

    String view() {
        return view;
    }

    boolean sessionLive() {
        return sessionLive.getAsBoolean();
    }

    @Override
    public void onOpen(Emitter e) {
        synchronized (this) {
            emitter = e;
        }
        hub.opened(this);
    }

    @Override
    public void onClose() {
        closed = true;
        hub.closed(this);
    }

    /** Queues events; returns at once. */
    void send(Map<String, LiveEvent> events) {
        if (closed || events.isEmpty()) {
            return;
        }
        boolean start;
        synchronized (this) {
            pending.putAll(events);
            start = !writing && emitter != null;
            writing |= start;
        }
        if (start) {
            writers.execute(this::drain);
        }
    }

    /** Tells the page its session ended, then closes the stream. */
    void expire() {
        Map<String, LiveEvent> last = new LinkedHashMap<>();
        last.put("expired", new LiveEvent("expired", "session ended"));
        last.put("~close", null); // null marks the end of the stream
        send(last);
    }

    private void drain() {
        while (true) {
            Map<String, LiveEvent> batch;
            Emitter e;
            synchronized (this) {
                if (pending.isEmpty() || closed) {
                    writing = false;
                    return;
                }
                batch = new LinkedHashMap<>(pending);
                pending.clear();
                e = emitter;
            }
            try {
                for (LiveEvent ev : batch.values()) {
                    if (ev == null) {
                        e.close();
                        closed = true;
                        return;
                    }
                    e.event(ev.name(), ev.data());
                }
            } catch (IOException | RuntimeException x) {
                closed = true;
                e.close();
                hub.closed(this);
                synchronized (this) {
                    writing = false;
                }
                return;
            }
        }
    }
}
