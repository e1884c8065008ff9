package org.understudy.web.pages;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.understudy.model.Alarm;
import org.understudy.model.DetectionSettings;
import org.understudy.model.EventEntry;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.web.actions.Job;
import org.understudy.web.html.Format;
import org.understudy.web.html.Html;

/**
 * Tables and badges several pages share: alarms, events, actions in progress, a failover timeline and how its failure
 * was detected, the detection settings. Stateless.
 */
public final class Pieces {
    private static final int TIMELINE_WIDTH = 600;

    private Pieces() {
    }

    /** A state word with a class a stylesheet colours (state-PROTECTED, state-STANDING_IN...). */
    public static void badge(Html h, Object state) {
        String s = String.valueOf(state);
        h.el("span", s, "class", "badge state-" + s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", ""));
    }

    /** Active alarms, most severe first (the model's order). */
    public static void alarms(Html h, List<Alarm> alarms, String emptyText) {
        if (alarms.isEmpty()) {
            h.el("p", emptyText, "class", "quiet");
            return;
        }
        h.open("table", "class", "alarms").open("thead").open("tr");
        for (String c : List.of("Severity", "Alarm", "On", "Since", "What")) {
            h.el("th", c);
        }
        h.close("tr").close("thead").open("tbody");
        for (Alarm a : alarms) {
            h.open("tr", "class", "sev-" + a.severity().name().toLowerCase(Locale.ROOT));
            h.open("td");
            badge(h, a.severity());
            h.close("td").el("td", a.kind()).el("td", a.resource()).el("td", Format.time(a.since()))
                    .el("td", a.description()).close("tr");
        }
        h.close("tbody").close("table");
    }

    /** Event-log rows, newest first as given. */
    public static void events(Html h, List<EventEntry> rows) {
        if (rows.isEmpty()) {
            h.el("p", "No events.", "class", "quiet");
            return;
        }
        h.open("table", "class", "events").open("thead").open("tr");
        for (String c : List.of("Time", "Kind", "On", "Who", "Outcome", "What")) {
            h.el("th", c);
        }
        h.close("tr").close("thead").open("tbody");
        for (EventEntry e : rows) {
            h.open("tr", "class", "kind-" + e.kind().name().toLowerCase(Locale.ROOT), "data-id", Long.toString(e.id()));
            h.el("td", Format.time(e.time())).el("td", e.kind()).el("td", e.resource() == null ? e.primary() : e.resource())
                    .el("td", e.actor() == null ? "" : e.actor() + (e.face() == null ? "" : " via "
                            + e.face().name().toLowerCase(Locale.ROOT)))
                    .el("td", e.outcome()).el("td", e.message()).close("tr");
        }
        h.close("tbody").close("table");
    }

    /** Actions started from the console: running ones with the steps so far, finished ones with their outcome. */
    public static void jobs(Html h, List<Job> jobs, String emptyText) {
        if (jobs.isEmpty()) {
            h.el("p", emptyText, "class", "quiet");
            return;
        }
        h.open("ul", "class", "jobs");
        for (Job j : jobs) {
            String state = j.running() ? "running" : j.result().status().name().toLowerCase(Locale.ROOT);
            h.open("li", "class", "job job-" + state, "data-job", Long.toString(j.id()));
            h.open("div", "class", "job-head").el("strong", j.action() + " " + j.target())
                    .text(" by " + j.actor() + " at " + Format.time(j.started()) + " ");
            badge(h, j.running() ? "RUNNING" : j.result().status());
            h.close("div");
            if (!j.steps().isEmpty()) {
                h.open("ol", "class", "steps");
                for (FailoverStep s : j.steps()) {
                    h.open("li", "class", "step-" + s.outcome().name().toLowerCase(Locale.ROOT))
                            .el("span", s.name(), "class", "step-name")
                            .text(" " + Format.duration(s.duration()) + " " + s.outcome()
                                    + (s.detail() == null || s.detail().isEmpty() ? "" : ": " + s.detail()))
                            .close("li");
                }
                h.close("ol");
            }
            if (!j.running()) {
                h.el("div", j.result().message(), "class", "job-result");
            }
            h.close("li");
        }
        h.close("ul");
    }

    /**
     * A takeover, switchover or failback drawn as its steps on one time axis, then the same as a table.
     *
     * @param underWay the sequence still runs: its steps so far, without a verdict
     */
    public static void timeline(Html h, FailoverTimeline t, boolean underWay) {
        if (t == null) {
            h.el("p", "No failover, switchover or failback yet.", "class", "quiet");
            return;
        }
        h.open("p", "class", "timeline-head").el("strong", t.kind() + (t.detection() == null ? ""
                : " (" + t.detection().path() + ")")).text(" of " + t.primary() + " at "
                + Format.time(t.startedAt()) + ", " + Format.duration(t.total()) + ", ")
                .el("span", underWay ? "under way" : t.completed() ? "completed" : "did not complete", "class",
                        underWay ? "running" : t.completed() ? "ok" : "bad")
                .text(": " + t.reason()).close("p");
        if (t.detection() != null) {
            detection(h, t.detection());
        }
        long total = Math.max(1, t.total().toNanos());
        int rowHeight = 22;
        int height = rowHeight * t.steps().size() + 4;
        h.open("svg", "class", "timeline", "viewBox", "0 0 " + (TIMELINE_WIDTH + 200) + " " + height, "role", "img",
                "aria-label", t.kind() + " steps");
        int y = 2;
        for (FailoverStep s : t.steps()) {
            double x = 200 + TIMELINE_WIDTH * (double) s.start().toNanos() / total;
            double w = Math.max(2, TIMELINE_WIDTH * (double) s.duration().toNanos() / total);
            h.el("text", s.name(), "x", "0", "y", Integer.toString(y + 15), "class", "step-label");
            h.open("rect", "x", fmt(x), "y", Integer.toString(y + 3), "width", fmt(Math.min(w, 200 + TIMELINE_WIDTH - x)),
                    "height", "14", "class", "bar-" + s.outcome().name().toLowerCase(Locale.ROOT))
                    .el("title", s.name() + ": " + Format.duration(s.duration()) + " " + s.outcome()).close("rect");
            y += rowHeight;
        }
        h.close("svg");
        h.open("table", "class", "steps").open("thead").open("tr");
        for (String c : List.of("Step", "Started at", "Took", "Outcome", "Detail")) {
            h.el("th", c);
        }
        h.close("tr").close("thead").open("tbody");
        for (FailoverStep s : t.steps()) {
            h.open("tr").el("td", s.name()).el("td", "+" + Format.duration(s.start())).el("td", Format.duration(s.duration()))
                    .el("td", s.outcome()).el("td", s.detail()).close("tr");
        }
        h.close("tbody").close("table");
    }

    /**
     * How a failure was detected: the path that decided, how long from its first fact to the decision, and each fact
     * with its time from the first and what it said.
     */
    public static void detection(Html h, FailureDetection d) {
        h.open("div", "class", "detection", "data-path", d.path());
        h.open("p", "class", "detection-head").text("Detected: ").el("strong", d.path(), "class", "detection-path")
                .text(" in " + d.took().toMillis() + " ms, from the first fact to the decision"
                        + (d.firstAt() == null ? "" : " (first fact at " + Format.time(d.firstAt()) + ")")).close("p");
        if (!d.facts().isEmpty()) {
            h.open("table", "class", "detection-facts").open("thead").open("tr");
            for (String c : List.of("Fact", "After the first", "What it said")) {
                h.el("th", c);
            }
            h.close("tr").close("thead").open("tbody");
            for (FailureDetection.Fact f : d.facts()) {
                h.open("tr", "data-fact", f.name()).el("td", f.name()).el("td", "+" + f.after().toMillis() + " ms")
                        .el("td", f.detail()).close("tr");
            }
            h.close("tbody").close("table");
        }
        h.close("div");
    }

    /** The figures a primary's failure is detected with, on both paths; a note where the model does not carry them. */
    public static void detectionSettings(Html h, DetectionSettings s) {
        if (s == null) {
            h.el("p", "The standby detects failures: its console shows the figures.", "class", "quiet");
            return;
        }
        h.open("dl", "class", "facts detection-settings");
        h.el("dt", "Fast path (process-dead)").el("dd", s.fastPath() ? "link closed by the peer + probe refused + "
                + s.processDeadGrace().toMillis() + " ms without a heartbeat" : "off", "data-setting", "grace");
        h.el("dt", "Slow path (host-silent)").el("dd", "every path silent " + s.timeout().toMillis()
                + " ms + a failed probe", "data-setting", "timeout");
        h.el("dt", "Probe time limit").el("dd", s.probeTimeout().toMillis() + " ms", "data-setting", "probe");
        h.el("dt", "Heartbeat interval").el("dd", s.interval().toMillis() + " ms", "data-setting", "interval");
        h.close("dl");
    }

    /** A progress bar with its text ("42 %"), or the text alone when there is nothing in progress. */
    public static void progress(Html h, double percent) {
        h.open("progress", "max", "100", "value", fmt(percent)).text(Format.percent(percent)).close("progress");
        h.text(" " + Format.percent(percent));
    }

    /** Time left at {@code rate} bytes/s for {@code left} bytes; "—" without a rate. */
    public static String eta(long left, double rate) {
        if (left <= 0) {
            return "—";
        }
        return rate <= 0 ? "—" : Format.duration(Duration.ofMillis((long) (left * 1000.0 / rate)));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
