package org.understudy.web.pages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.SnapshotEntry;
import org.understudy.model.VolumeSnapshot;
import org.understudy.web.actions.Job;
import org.understudy.web.html.Format;
import org.understudy.web.html.Html;

/**
 * One primary: its state and where it is served, its volumes (generation, mode, write latency p99, replicated
 * bytes, resync progress and ETA, last verify), paths and links, the last failover, switchover or failback drawn as
 * its steps, how its last failover was detected and the detection settings, the console's actions on it (live steps while they run) and its events. Stateless.
 */
public final class PrimaryView {
    static final int EVENTS = 15;

    private PrimaryView() {
    }

    public static String view(String primary) {
        return "primary/" + primary;
    }

    /** The live parts of the page for {@code primary}, by element id; empty when the model does not know it. */
    public static Map<String, String> fragments(ConsoleState st, String primary) {
        ClusterSnapshot s = st.snapshot();
        Optional<PrimarySnapshot> found = s.primaries().stream().filter(p -> p.name().equals(primary)).findFirst();
        Map<String, String> out = new LinkedHashMap<>();
        if (found.isEmpty()) {
            return out;
        }
        PrimarySnapshot p = found.get();
        out.put("pv-head", head(st, p).toString());
        Html al = new Html();
        Pieces.alarms(al, OverviewView.alarmsOn(s, primary), "No active alarms on " + primary + ".");
        out.put("pv-alarms", al.toString());
        out.put("pv-volumes", volumes(OverviewView.volumes(s, primary)).toString());
        out.put("pv-paths", paths(OverviewView.paths(s, p), OverviewView.links(s, primary)).toString());
        List<Job> jobs = st.jobs().stream().filter(j -> j.primary().equals(primary)).toList();
        Html jh = new Html();
        Pieces.jobs(jh, jobs, "No actions on " + primary + " from this console yet.");
        out.put("pv-jobs", jh.toString());
        Html t = new Html();
        FailoverTimeline shown = p.running() != null ? p.running() : p.lastSequence() != null ? p.lastSequence()
                : lastOf(s, primary);
        Pieces.timeline(t, shown, p.running() != null);
        out.put("pv-timeline", t.toString());
        out.put("pv-detection", detection(p, shown).toString());
        if (s.snapshotSpace().stream().anyMatch(sp -> sp.primary().equals(primary))) {
            out.put("pv-snapshots", snapshots(s, primary).toString());
        }
        Html ev = new Html();
        try {
            Pieces.events(ev, st.recentEvents(primary, EVENTS));
        } catch (RuntimeException e) {
            ev.el("p", "The event log cannot be read: " + e.getMessage(), "class", "bad");
        }
        out.put("pv-events", ev.toString());
        return out;
    }

    /**
     * How the primary's last failover was detected (its facts here unless the timeline above shows that failover
     * already) and the figures its failure is detected with.
     */
    private static Html detection(PrimarySnapshot p, FailoverTimeline shown) {
        Html h = new Html();
        FailoverTimeline last = p.lastFailover();
        if (last == null) {
            h.el("p", "No failover of " + p.name() + " yet.", "class", "quiet last-detection");
        } else if (last.detection() == null) {
            h.el("p", "The last takeover (" + last.kind() + " at " + Format.time(last.startedAt())
                    + ") was an operator's: no failure was detected.", "class", "quiet last-detection");
        } else if (last.equals(shown)) {
            h.el("p", "The last failover was detected on the " + last.detection().path() + " path in "
                    + last.detection().took().toMillis() + " ms; its facts are in the timeline above.",
                    "class", "last-detection");
        } else {
            h.open("p", "class", "last-detection").text("The last failover, at " + Format.time(last.startedAt()) + ":")
                    .close("p");
            Pieces.detection(h, last.detection());
        }
        h.el("h3", "Settings in effect");
        Pieces.detectionSettings(h, p.detection());
        return h;
    }

    private static FailoverTimeline lastOf(ClusterSnapshot s, String primary) {
        FailoverTimeline t = s.failover().lastFailover();
        return t != null && t.primary().equals(primary) ? t : null;
    }

    private static Html head(ConsoleState st, PrimarySnapshot p) {
        Html h = new Html();
        h.open("div", "class", "state-line");
        Pieces.badge(h, p.state());
        h.el("span", p.cause(), "class", "cause").close("div");
        h.open("dl", "class", "facts");
        h.el("dt", "Since").el("dd", Format.time(p.since()));
        h.el("dt", "Served by").el("dd", OverviewView.servedBy(st.site(), p));
        h.el("dt", "Caps").el("dd", "mirror " + Format.rate(p.caps().mirror()) + " · resync " + Format.rate(p.caps().resync()));
        h.el("dt", "Takeovers since the standby started").el("dd", Long.toString(p.failovers()));
        return h.close("dl");
    }

    private static Html volumes(List<VolumeSnapshot> vs) {
        Html h = new Html(4096);
        if (vs.isEmpty()) {
            return h.el("p", "No volumes in the model.", "class", "quiet");
        }
        h.open("table", "class", "volumes").open("thead").open("tr");
        for (String c : List.of("Volume", "Size", "Mode", "State", "Sync", "Generation", "Write p99", "Replicated",
                "Resync", "ETA", "Dirty", "Backlog", "Last verify")) {
            h.el("th", c);
        }
        h.close("tr").close("thead").open("tbody");
        for (VolumeSnapshot v : vs) {
            h.open("tr", "data-volume", v.name()).el("td", v.name()).el("td", Format.bytes(v.size())).el("td", v.mode());
            h.open("td");
            Pieces.badge(h, v.state());
            h.close("td").open("td");
            Pieces.progress(h, v.syncPercent());
            h.close("td");
            h.el("td", v.generation().isEmpty() ? "—" : v.generation(), "class", "mono");
            h.el("td", Format.micros(v.writeLatency() == null ? 0 : v.writeLatency().p99Micros(),
                    v.writeLatency() == null ? 0 : v.writeLatency().count()));
            h.el("td", Format.bytes(v.bytesReplicated()) + " (" + v.writesReplicated() + " writes)");
            long left = v.resyncTotalBytes() - v.resyncDoneBytes();
            h.el("td", v.resyncTotalBytes() == 0 ? "—" : Format.bytes(v.resyncDoneBytes()) + " of "
                    + Format.bytes(v.resyncTotalBytes()) + (v.resyncRate() > 0 ? " at " + Format.rate(v.resyncRate()) : ""));
            h.el("td", Pieces.eta(left, v.resyncRate()));
            h.el("td", Format.bytes(v.dirtyBytes())).el("td", Format.bytes(v.backlogBytes()));
            h.el("td", v.lastVerify().ran() ? Format.time(v.lastVerify().at()) + ": " + v.lastVerify().text() : "never");
            h.close("tr");
        }
        return h.close("tbody").close("table");
    }

    /** On the standby: the primary's snapshot images (read-only NBD exports for backup) and the space they take. */
    private static Html snapshots(ClusterSnapshot s, String primary) {
        Html h = new Html();
        s.snapshotSpace().stream().filter(sp -> sp.primary().equals(primary)).findFirst().ifPresent(sp -> h.el("p",
                sp.snapshots() + " snapshot(s), " + Format.bytes(sp.usedBytes()) + " used"
                        + (sp.limitBytes() > 0 ? " of a " + Format.bytes(sp.limitBytes()) + " limit" : ", no limit")));
        List<SnapshotEntry> rows = s.snapshots().stream().filter(e -> e.primary().equals(primary)).toList();
        if (rows.isEmpty()) {
            return h.el("p", "No snapshots of " + primary + ".", "class", "none");
        }
        h.open("table", "class", "snapshots").open("thead").open("tr");
        for (String c : List.of("Export", "Created", "Kind", "Cut", "Used", "Expires")) {
            h.el("th", c);
        }
        h.close("tr").close("thead").open("tbody");
        for (SnapshotEntry e : rows) {
            h.open("tr").el("td", e.export(), "class", "mono").el("td", Format.time(e.created()))
                    .el("td", e.kind().name().toLowerCase(java.util.Locale.ROOT) + (e.held() ? " (held)" : ""))
                    .el("td", (e.primaryCut() ? "primary" : "standby") + (e.consistent() ? "" : ", inconsistent"))
                    .el("td", Format.bytes(e.bytesUsed()))
                    .el("td", e.expires() == null ? "never" : Format.time(e.expires())).close("tr");
        }
        return h.close("tbody").close("table");
    }

    private static Html paths(List<PathSnapshot> paths, List<LinkSnapshot> links) {
        Html h = new Html();
        h.open("table", "class", "paths").open("thead").open("tr");
        for (String c : List.of("Path", "Kind", "State", "Since", "Silent for", "Heartbeats valid / replayed / forged / malformed")) {
            h.el("th", c);
        }
        h.close("tr").close("thead").open("tbody");
        for (PathSnapshot p : paths) {
            h.open("tr").el("td", p.path()).el("td", p.kind()).open("td");
            Pieces.badge(h, p.state());
            h.close("td").el("td", Format.time(p.since()))
                    .el("td", p.state() == PathState.DOWN ? Format.duration(p.silentFor()) : "—")
                    .el("td", p.valid() + " / " + p.replayed() + " / " + p.forged() + " / " + p.malformed()).close("tr");
        }
        h.close("tbody").close("table");
        h.open("table", "class", "links").open("thead").open("tr");
        for (String c : List.of("Replication link", "Volume", "State", "Since", "Detail")) {
            h.el("th", c);
        }
        h.close("tr").close("thead").open("tbody");
        for (LinkSnapshot l : links) {
            h.open("tr").el("td", l.peer()).el("td", l.volume()).open("td");
            Pieces.badge(h, l.state());
            h.close("td").el("td", Format.time(l.since())).el("td", l.detail()).close("tr");
        }
        return h.close("tbody").close("table");
    }
}
