package org.understudy.web.pages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.understudy.model.Alarm;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverSummary;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.LinkState;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.VolumeSnapshot;
import org.understudy.web.html.Format;
import org.understudy.web.html.Html;

/**
 * The cluster overview: alarms at the top (most severe first), every primary in one table with the health that
 * matters (state and cause, each path, the replication link, per-volume sync, dirty bytes and backlog, caps, its
 * alarms, where its volumes are served, last failover), the standby's own health, and the console's actions. Each
 * part is a fragment the live view replaces. Stateless.
 */
public final class OverviewView {
    public static final String VIEW = "overview";

    private OverviewView() {
    }

    /** The live parts of the page, by element id. */
    public static Map<String, String> fragments(ConsoleState st) {
        ClusterSnapshot s = st.snapshot();
        Map<String, String> out = new LinkedHashMap<>();
        Html a = new Html();
        Pieces.alarms(a, s.alarms(), "No active alarms.");
        out.put("ov-alarms", a.toString());
        out.put("ov-primaries", primaries(st).toString());
        out.put("ov-node", node(st).toString());
        Html j = new Html();
        Pieces.jobs(j, st.jobs(), "No actions started from this console yet.");
        out.put("ov-jobs", j.toString());
        return out;
    }

    private static Html primaries(ConsoleState st) {
        ClusterSnapshot s = st.snapshot();
        Html h = new Html(8192);
        if (s.primaries().isEmpty()) {
            return h.el("p", "No primaries.", "class", "quiet");
        }
        h.open("table", "class", "primaries").open("thead").open("tr");
        for (String c : List.of("Primary", "State", "Served by", "Paths", "Link", "Volumes", "Caps", "Alarms",
                "Last failover")) {
            h.el("th", c);
        }
        h.close("tr").close("thead").open("tbody");
        for (PrimarySnapshot p : s.primaries()) {
            h.open("tr", "data-primary", p.name(), "class", "primary-row");
            h.open("td").el("a", p.name(), "href", "/primary/" + p.name(), "class", "primary-link").close("td");
            h.open("td", "class", "state");
            Pieces.badge(h, p.state());
            h.el("div", p.cause(), "class", "cause").el("div", "since " + Format.time(p.since()), "class", "since");
            h.close("td");
            h.el("td", servedBy(st.site(), p));
            h.open("td", "class", "paths");
            for (PathSnapshot path : paths(s, p)) {
                h.el("span", path.path() + " " + path.state(), "class", "path path-" + path.state().name().toLowerCase(),
                        "title", path.kind() + (path.state() == PathState.DOWN ? ", silent for "
                                + Format.duration(path.silentFor()) : ""));
            }
            h.close("td");
            h.el("td", linkSummary(s, p.name()));
            h.open("td", "class", "volumes");
            for (VolumeSnapshot v : volumes(s, p.name())) {
                h.open("div", "class", "vol").el("span", v.name(), "class", "vol-name").text(" ");
                Pieces.badge(h, v.state());
                h.text(" ");
                Pieces.progress(h, v.syncPercent());
                h.el("span", " dirty " + Format.bytes(v.dirtyBytes()) + " · backlog " + Format.bytes(v.backlogBytes()),
                        "class", "vol-figures").close("div");
            }
            h.close("td");
            h.el("td", "mirror " + Format.rate(p.caps().mirror()) + " · resync " + Format.rate(p.caps().resync()));
            List<Alarm> on = alarmsOn(s, p.name());
            h.open("td", "class", on.isEmpty() ? "quiet" : "has-alarms");
            if (on.isEmpty()) {
                h.text("none");
            }
            for (Alarm al : on) {
                h.el("div", al.kind(), "class", "sev-" + al.severity().name().toLowerCase(), "title", al.description());
            }
            h.close("td");
            h.el("td", p.lastFailover() == null ? "never" : p.lastFailover().kind() + (p.lastFailover().detection() == null
                    ? "" : " (" + p.lastFailover().detection().path() + ")") + " " + Format.time(
                    p.lastFailover().startedAt()) + " (" + Format.duration(p.lastFailover().total()) + ", "
                    + (p.lastFailover().completed() ? "completed" : "did not complete") + ")");
            h.close("tr");
        }
        return h.close("tbody").close("table");
    }

    private static Html node(ConsoleState st) {
        ClusterSnapshot s = st.snapshot();
        Html h = new Html();
        h.open("dl", "class", "facts");
        fact(h, "Node", s.node().name() + " (" + s.node().role().name().toLowerCase() + ", version " + s.node().version()
                + ", pid " + s.node().pid() + ")");
        fact(h, "Started", Format.time(s.node().startedAt()));
        if (st.site().standby()) {
            FailoverSummary f = s.failover();
            fact(h, "Automatic failover", f.autoFailover() ? "on" : "off (vault mode: detection and alarms only)");
            fact(h, "Standing in", f.standInsActive() + " of at most " + f.standInsAllowed());
            long up = s.links().stream().filter(l -> l.state() == LinkState.UP).count();
            fact(h, "Replication links up", up + " of " + s.links().size());
        } else if (s.node().lifecycle() != null) {
            fact(h, "Lifecycle", s.node().lifecycle().state() + ": " + s.node().lifecycle().cause());
            long up = s.paths().stream().filter(p -> p.state() == PathState.UP).count();
            fact(h, "Paths to the standby up", up + " of " + s.paths().size());
        }
        List<Alarm> own = alarmsOn(s, s.node().name());
        fact(h, "Its own alarms", own.isEmpty() ? "none" : own.size() + ": " + String.join(", ",
                own.stream().map(a -> a.kind().name()).toList()));
        return h.close("dl");
    }

    private static void fact(Html h, String term, String value) {
        h.el("dt", term).el("dd", value);
    }

    /** Where the primary's volumes are served now. */
    static String servedBy(Site site, PrimarySnapshot p) {
        String at = site.services().getOrDefault(p.name(), "?");
        return switch (p.state()) {
            case STANDING_IN, FAILING_BACK -> "standby, standing in at " + at;
            case FENCED, FAILED, FAILING_OVER, SPLIT_BRAIN -> p.state() == PrimaryState.FAILING_OVER
                    ? "being taken over" : "nobody (" + p.state().name().toLowerCase().replace('_', ' ') + ")";
            default -> p.name() + " at " + at;
        };
    }

    /** The primary's health paths: from its snapshot on the standby, the node's own on a primary. */
    static List<PathSnapshot> paths(ClusterSnapshot s, PrimarySnapshot p) {
        return p.paths().isEmpty() ? s.paths() : p.paths();
    }

    static List<VolumeSnapshot> volumes(ClusterSnapshot s, String primary) {
        return s.volumes().stream().filter(v -> primary.equals(v.primary())).toList();
    }

    /** Links of a primary: on the standby those whose peer it is; on a primary all of its own. */
    static List<LinkSnapshot> links(ClusterSnapshot s, String primary) {
        if (s.node().name().equals(primary)) {
            return s.links();
        }
        return s.links().stream().filter(l -> primary.equals(l.peer())).toList();
    }

    private static String linkSummary(ClusterSnapshot s, String primary) {
        List<LinkSnapshot> ls = links(s, primary);
        if (ls.isEmpty()) {
            return "none";
        }
        long up = ls.stream().filter(l -> l.state() == LinkState.UP).count();
        return up == ls.size() ? "UP (" + up + ")" : up + " of " + ls.size() + " up";
    }

    /** Alarms whose resource is {@code name} or under it ({@code p1}, {@code p1/vol0}, {@code p1/path/link}). */
    static List<Alarm> alarmsOn(ClusterSnapshot s, String name) {
        return s.alarms().stream().filter(a -> a.resource().equals(name) || a.resource().startsWith(name + "/")).toList();
    }
}
