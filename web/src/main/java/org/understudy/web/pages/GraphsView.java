package org.understudy.web.pages;

import java.util.List;
import org.understudy.web.auth.WebSession;
import org.understudy.web.html.Html;

/**
 * The graphs of one primary's volumes over the last hour: replication throughput, write latency p99, dirty bytes and
 * backlog, resync progress. uPlot draws them from {@code /api/series/P}; the live view adds each new sample. Stateless.
 */
public final class GraphsView {
    private GraphsView() {
    }

    public static String view(String primary) {
        return "graphs/" + primary;
    }

    public static String page(Site site, WebSession session, String primary, List<String> primaries) {
        Html h = new Html();
        h.open("h1").text("Graphs of ").open("form", "method", "get", "action", "/graphs", "class", "inline", "id", "pick")
                .open("select", "name", "primary", "id", "primary-pick");
        for (String p : primaries) {
            h.el("option", p, "value", p, "selected", p.equals(primary) ? "selected" : null);
        }
        h.close("select").el("button", "show", "type", "submit").close("form").close("h1");
        h.open("p", "class", "quiet").text("The last hour, one line per volume, kept in memory on " + site.node()
                + " (sampled every few seconds; a node restart starts a new hour).").close("p");
        h.open("div", "id", "graphs", "data-primary", primary, "class", "graphs");
        for (String[] g : new String[][] {{"throughput", "Replication throughput (bytes/s)"},
            {"latency", "Write latency p99 (ms)"}, {"dirty", "Dirty bytes and backlog"}, {"resync", "Resync progress (%)"}}) {
            h.open("figure", "class", "graph").el("figcaption", g[1]).open("div", "id", "graph-" + g[0], "class", "chart")
                    .close("div").close("figure");
        }
        h.close("div");
        return Layout.page(site, session, "graphs", "Graphs " + primary, view(primary), h.toString(),
                List.of(Layout.UPLOT + "uPlot.iife.min.js", "/assets/graphs.js"), List.of(Layout.UPLOT + "uPlot.min.css"));
    }
}
