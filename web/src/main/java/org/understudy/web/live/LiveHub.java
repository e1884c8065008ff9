package org.understudy.web.live;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The fan-out of live pages. {@link #publish} renders each followed view once from one state and sends every page
 * of that view only the slots that changed since the last round; a page that (re)connects gets the whole view at
 * once, which is how a page catches up after a reconnect (the SSE stream replays nothing). Thread-safe: pages come
 * and go on request threads while one thread publishes.
 *
 * @param <S> the state a round renders from
 */
public final class LiveHub<S> {
    private static final Logger LOG = LogManager.getLogger(LiveHub.class);

    private final ViewRenderer<S> renderer;
    private final Supplier<S> current;
    private final Executor writers;
    private final Map<String, Set<LiveClient>> clients = new ConcurrentHashMap<>();
    /** What each view's pages were last sent, by slot; touched by the publishing thread only. */
    private final Map<String, Map<String, LiveEvent>> lastSent = new HashMap<>();

    /**
     * @param current a fresh state, for a page that connects between rounds
     * @param writers runs each page's writer (virtual threads: a stalled page parks only its own)
     */
    public LiveHub(ViewRenderer<S> renderer, Supplier<S> current, Executor writers) {
        this.renderer = renderer;
        this.current = current;
        this.writers = writers;
    }

    /** Whether the view can be followed now. */
    public boolean knows(String view) {
        return renderer.knows(view, current.get());
    }

    /** A new page of {@code view}; it joins when its stream opens. */
    public LiveClient client(String view, BooleanSupplier sessionLive) {
        return new LiveClient(view, this, writers, sessionLive);
    }

    void opened(LiveClient c) {
        clients.computeIfAbsent(c.view(), v -> ConcurrentHashMap.newKeySet()).add(c);
        c.send(renderer.full(c.view(), current.get()));
    }

    void closed(LiveClient c) {
        Set<LiveClient> set = clients.get(c.view());
        if (set != null) {
            set.remove(c);
        }
    }

    /** Open pages, all views together. */
    public int pages() {
        return clients.values().stream().mapToInt(Set::size).sum();
    }

    /** Views with at least one open page. */
    public List<String> views() {
        return clients.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    /**
     * One round: renders every followed view from {@code state} and sends what changed. Pages whose session ended
     * are told so and closed. Call from one thread.
     */
    public void publish(S state) {
        for (Map.Entry<String, Set<LiveClient>> e : clients.entrySet()) {
            String view = e.getKey();
            Set<LiveClient> pages = e.getValue();
            if (pages.isEmpty()) {
                lastSent.remove(view);
                continue;
            }
            Map<String, LiveEvent> now;
            try {
                now = renderer.update(view, state);
            } catch (RuntimeException x) {
                LOG.error("web: rendering the live view {} failed: {}", view, x.toString(), x);
                continue;
            }
            Map<String, LiveEvent> before = lastSent.getOrDefault(view, Map.of());
            Map<String, LiveEvent> changed = new LinkedHashMap<>();
            now.forEach((slot, ev) -> {
                if (!Objects.equals(before.get(slot), ev)) {
                    changed.put(slot, ev);
                }
            });
            lastSent.put(view, now);
            for (LiveClient c : pages) {
                if (!c.sessionLive()) {
                    pages.remove(c);
                    c.expire();
                } else {
                    c.send(changed);
                }
            }
        }
    }
}
