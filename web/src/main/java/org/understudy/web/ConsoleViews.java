package org.understudy.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.web.live.LiveEvent;
import org.understudy.web.live.ViewRenderer;
import org.understudy.web.pages.ConsoleState;
import org.understudy.web.pages.OverviewView;
import org.understudy.web.pages.PrimaryView;
import org.understudy.web.series.SeriesStore;

/**
 * The live views of the console: {@code overview}, {@code primary/P} (their fragments) and {@code graphs/P} (the
 * newest samples; the whole hour after a (re)connect). Stateless; thread-safe.
 */
final class ConsoleViews implements ViewRenderer<ConsoleState> {
    private final SeriesStore series;

    ConsoleViews(SeriesStore series) {
        this.series = series;
    }

    @Override
    public boolean knows(String view, ConsoleState st) {
        if (view.equals(OverviewView.VIEW)) {
            return true;
        }
        String primary = primaryOf(view);
        return primary != null && st.site().knows(primary);
    }

    @Override
    public Map<String, LiveEvent> update(String view, ConsoleState st) {
        Map<String, LiveEvent> out = new LinkedHashMap<>();
        if (view.equals(OverviewView.VIEW)) {
            OverviewView.fragments(st).forEach((id, html) -> out.put(id, LiveEvent.fragment(id, html)));
        } else if (view.startsWith("primary/")) {
            PrimaryView.fragments(st, primaryOf(view)).forEach((id, html) -> out.put(id, LiveEvent.fragment(id, html)));
        } else if (view.startsWith("graphs/")) {
            out.put("series", new LiveEvent("series", series.latest(primaryOf(view)).toString()));
        }
        return out;
    }

    @Override
    public Map<String, LiveEvent> full(String view, ConsoleState st) {
        if (view.startsWith("graphs/")) {
            return Map.of("series", new LiveEvent("series-all", series.all(primaryOf(view)).toString()));
        }
        return update(view, st);
    }

    private static String primaryOf(String view) {
        int slash = view.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String kind = view.substring(0, slash);
        String p = view.substring(slash + 1);
        return (kind.equals("primary") || kind.equals("graphs")) && !p.isEmpty() ? p : null;
    }
}
