package org.understudy.web.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlets.EventSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.e2e.Poll;

/** The SSE fan-out: one rendering per view and round, only what changed, the whole view on (re)connect. */
class LiveHubTest {
    /** A state is a map of view -> slot -> text; the renderer counts its calls. */
    private final Map<String, Map<String, String>> state = new LinkedHashMap<>();
    private final List<String> rendered = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final LiveHub<Map<String, Map<String, String>>> hub = new LiveHub<>(new ViewRenderer<>() {
        @Override
        public boolean knows(String view, Map<String, Map<String, String>> s) {
            return s.containsKey(view);
        }

        @Override
        public Map<String, LiveEvent> update(String view, Map<String, Map<String, String>> s) {
            rendered.add(view);
            Map<String, LiveEvent> out = new LinkedHashMap<>();
            s.get(view).forEach((slot, text) -> out.put(slot, LiveEvent.fragment(slot, text)));
            return out;
        }

        @Override
        public Map<String, LiveEvent> full(String view, Map<String, Map<String, String>> s) {
            Map<String, LiveEvent> out = new LinkedHashMap<>(update(view, s));
            out.put("all", new LiveEvent("series-all", "everything"));
            return out;
        }
    }, () -> copy(state), writers);

    /** What one page received, in order. */
    static final class Page implements EventSource.Emitter {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean closed = new AtomicBoolean();
        volatile CountDownLatch gate;

        @Override
        public void event(String name, String data) throws IOException {
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(); // a page whose connection stopped taking data
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            events.add(name + ":" + data.replace('\n', '|'));
        }

        @Override
        public void data(String data) {
            events.add("data:" + data);
        }

        @Override
        public void comment(String comment) {
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static Map<String, Map<String, String>> copy(Map<String, Map<String, String>> s) {
        Map<String, Map<String, String>> c = new LinkedHashMap<>();
        s.forEach((k, v) -> c.put(k, new LinkedHashMap<>(v)));
        return c;
    }

    private Page open(String view, AtomicBoolean live) throws IOException {
        Page page = new Page();
        hub.client(view, live::get).onOpen(page);
        return page;
    }

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    @Test
    void open_sendsTheWholeView_thenOnlyWhatChanged_renderedOncePerRoundForEveryPage() throws Exception {
        state.put("overview", new LinkedHashMap<>(Map.of("a", "1", "b", "2")));
        AtomicBoolean live = new AtomicBoolean(true);
        List<Page> pages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pages.add(open("overview", live));
        }
        for (Page p : pages) {
            Poll.until(Duration.ofSeconds(5), "the whole view on open", () -> p.events.size() == 3);
            assertTrue(p.events.contains("series-all:everything"));
        }
        hub.publish(copy(state)); // first round: the hub does not know what the pages got on open; it sends the view
        for (Page p : pages) {
            Poll.until(Duration.ofSeconds(5), "the first round on every page", () -> p.events.size() == 5);
        }
        state.get("overview").put("b", "3");
        rendered.clear();
        for (Page p : pages) {
            p.events.clear();
        }
        hub.publish(copy(state));
        assertEquals(List.of("overview"), rendered, "one rendering for 50 pages");
        for (Page p : pages) {
            Poll.until(Duration.ofSeconds(5), "the change on every page", () -> p.events.equals(List.of("fragment:b|3")));
        }
        hub.publish(copy(state));
        Thread.sleep(50); // nothing to wait for: an unchanged round must send nothing at all
        pages.forEach(p -> assertEquals(List.of("fragment:b|3"), p.events, "an unchanged round sends nothing"));
        assertEquals(50, hub.pages());
    }

    @Test
    void aStalledPage_doesNotHoldUpTheOthers_andKeepsOnlyTheNewestOfEachSlot() throws Exception {
        state.put("overview", new LinkedHashMap<>(Map.of("a", "0")));
        AtomicBoolean live = new AtomicBoolean(true);
        Page stalled = open("overview", live);
        Poll.until(Duration.ofSeconds(5), "the first view", () -> stalled.events.size() == 2);
        stalled.gate = new CountDownLatch(1);
        Page healthy = open("overview", live);
        hub.publish(copy(state));
        for (int i = 1; i <= 20; i++) {
            state.get("overview").put("a", Integer.toString(i));
            hub.publish(copy(state));
        }
        Poll.until(Duration.ofSeconds(5), "the healthy page up to date", () -> healthy.events.contains("fragment:a|20"));
        stalled.gate.countDown();
        Poll.until(Duration.ofSeconds(5), "the stalled page catches up", () -> stalled.events.contains("fragment:a|20"));
        assertTrue(stalled.events.size() < 10, "queued events were coalesced, not all 20 kept: " + stalled.events);
    }

    @Test
    void aPageWhoseSessionEnded_isToldAndClosed() throws Exception {
        state.put("primary/p1", new LinkedHashMap<>(Map.of("a", "0")));
        AtomicBoolean live = new AtomicBoolean(true);
        Page page = open("primary/p1", live);
        live.set(false);
        hub.publish(copy(state));
        Poll.until(Duration.ofSeconds(5), "the page told and closed", page.closed::get);
        assertTrue(page.events.contains("expired:session ended"), page.events.toString());
        assertEquals(0, hub.pages());
    }

    @Test
    void aViewNobodyFollows_isNotRendered() {
        state.put("overview", new LinkedHashMap<>(Map.of("a", "0")));
        hub.publish(copy(state));
        assertTrue(rendered.isEmpty());
        assertFalse(hub.knows("primary/p9"));
    }
}
