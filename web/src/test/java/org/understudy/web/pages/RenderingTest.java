package org.understudy.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.command.CommandResult;
import org.understudy.config.WebUser;
import org.understudy.model.ActorFace;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.FailoverStep;
import org.understudy.model.Role;
import org.understudy.model.SnapshotEntry;
import org.understudy.model.SnapshotKind;
import org.understudy.model.SnapshotSpace;
import org.understudy.web.Snapshots;
import org.understudy.web.actions.ActionCatalog;
import org.understudy.web.actions.Job;
import org.understudy.web.auth.SessionStore;
import org.understudy.web.auth.WebSession;

/** The pages rendered from model snapshots: what they show, and that no value reaches them unescaped. */
class RenderingTest {
    private static final String EVIL = Snapshots.EVIL;
    private static final Site SITE = new Site("demo", "standby", Role.STANDBY,
            Map.of("p1", "127.0.1.1:10809", "p2", "127.0.1.2:10809"),
            Map.of("p1", List.of("vol0", "vol1"), "p2", List.of("vol0", "vol1")));

    private static WebSession session(WebUser.Role role) {
        return new SessionStore(Duration.ofMinutes(5), System::nanoTime, new java.security.SecureRandom()).create(
                role == WebUser.Role.OPERATOR ? "alice" : "bob", role);
    }

    private static ConsoleState state(ClusterSnapshot s, String text) {
        EventEntry row = new EventEntry(7, Snapshots.T0, EventKind.AUTH_FAILURE, "p1", "p1", "mallory" + text, ActorFace.WEB,
                "refused", "authentication refused " + text, null);
        Job job = new Job(1, "alice" + text, "switchover", "p1", Snapshots.T0, List.of(new FailoverStep("drain-primary",
                Duration.ZERO, Duration.ofMillis(5), FailoverStep.Outcome.OK, "drained " + text)),
                CommandResult.refused("no " + text), Snapshots.T0);
        return new ConsoleState(SITE, s, List.of(job), q -> List.of(row));
    }

    /** Nothing of {@code EVIL} arrives as markup. */
    private static void assertNoMarkup(String html) {
        assertFalse(html.contains("<script>"), "a <script> from the model reached the page");
        assertFalse(html.contains("<img"), "markup from the model reached the page");
        assertFalse(html.contains("'x'"), "a quote from the model reached the page unescaped");
    }

    /** Every dangerous character of {@code EVIL} arrives as an entity; nothing of it as markup. */
    private static void assertEscaped(String html) {
        assertNoMarkup(html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img"), "escaped text shown");
        assertTrue(html.contains("&amp;amp;"), "an entity in the model is shown as text, not interpreted");
    }

    @Test
    void overview_everyValueFromTheModelIsEscaped() {
        ConsoleState st = state(Snapshots.standby(2, 2, EVIL), EVIL);
        Map<String, String> f = OverviewView.fragments(st);
        assertEquals(List.of("ov-alarms", "ov-primaries", "ov-node", "ov-jobs"), List.copyOf(f.keySet()));
        f.values().forEach(RenderingTest::assertNoMarkup);
        assertEscaped(f.get("ov-primaries"));
        assertEscaped(Pages.overview(st, session(WebUser.Role.OPERATOR), ActionCatalog.standard()));
    }

    @Test
    void primaryPage_everyValueFromTheModelIsEscaped() {
        ConsoleState st = state(Snapshots.standby(2, 2, EVIL), EVIL);
        PrimaryView.fragments(st, "p1").values().forEach(RenderingTest::assertNoMarkup);
        for (String id : java.util.List.of("pv-head", "pv-volumes", "pv-paths", "pv-jobs", "pv-timeline", "pv-events", "pv-alarms")) {
            assertEscaped(PrimaryView.fragments(st, "p1").get(id));
        }
        assertEscaped(Pages.primary(st, session(WebUser.Role.OPERATOR), ActionCatalog.standard(), "p1"));
    }

    @Test
    void detection_everyFactFromTheModelIsEscaped() {
        ConsoleState st = state(Snapshots.withDetection(Snapshots.standby(2, 2, EVIL), EVIL), EVIL);
        Map<String, String> f = PrimaryView.fragments(st, "p2");
        assertEscaped(f.get("pv-timeline"));
        assertTrue(f.get("pv-timeline").contains("class=\"detection-facts\""), f.get("pv-timeline"));
        assertNoMarkup(f.get("pv-detection"));
    }

    @Test
    void primaryPage_showsHowTheLastFailoverWasDetected_eachFactWithItsTime_andTheSettings() {
        ConsoleState st = state(Snapshots.withDetection(Snapshots.standby(2, 2, ""), ""), "");
        Map<String, String> f = PrimaryView.fragments(st, "p2");
        String timeline = f.get("pv-timeline");
        assertTrue(timeline.contains("<strong>failover (process-dead)</strong>"), "the timeline names the path: " + timeline);
        assertTrue(timeline.contains("Detected: <strong class=\"detection-path\">process-dead</strong> in 312 ms"), timeline);
        assertTrue(timeline.contains("<tr data-fact=\"probe\"><td>probe</td><td>+3 ms</td><td>127.0.1.2:10809 refused in 1 ms"),
                "each fact with its time from the first and what it said: " + timeline);
        assertTrue(timeline.indexOf("link-closed") < timeline.indexOf("heartbeat-grace"), "in the order learnt");
        String detection = f.get("pv-detection");
        assertTrue(detection.contains("detected on the process-dead path in 312 ms; its facts are in the timeline above"),
                "no second copy of the facts when the timeline shows that failover: " + detection);
        assertFalse(detection.contains("detection-facts"), detection);
        assertTrue(detection.contains("link closed by the peer + probe refused + 375 ms without a heartbeat"), detection);
        assertTrue(detection.contains("every path silent 2000 ms + a failed probe"), detection);
        assertTrue(detection.contains("data-setting=\"probe\">500 ms") && detection.contains("data-setting=\"interval\">250 ms"),
                detection);
        assertTrue(Pages.primary(st, session(WebUser.Role.MONITOR), ActionCatalog.standard(), "p2")
                .contains("<h2>Failure detection</h2><div id=\"pv-detection\" class=\"live\">"), "a live section of the page");

        String p1 = PrimaryView.fragments(st, "p1").get("pv-detection");
        assertTrue(p1.contains("The last takeover (switchover at 2026-11-01 12:00:00Z) was an operator&#39;s"), p1);
        assertFalse(PrimaryView.fragments(st, "p1").get("pv-timeline").contains("Detected:"), "a switchover has no detection");
        String rows = OverviewView.fragments(st).get("ov-primaries");
        assertTrue(rows.contains("failover (process-dead) 2026-11-01 12:00:31Z (110 ms, completed)"), "the overview: " + rows);
        assertTrue(rows.contains("switchover 2026-11-01 12:00:00Z (150 ms, completed)"), rows);
    }

    @Test
    void primaryPage_afterAFailbackOfADetectedFailover_showsTheDetectionsFactsInItsOwnSection() {
        ClusterSnapshot s = Snapshots.withDetection(Snapshots.standby(2, 1, ""), "");
        var p2 = s.primaries().get(1);
        org.understudy.model.FailoverTimeline back = new org.understudy.model.FailoverTimeline("p2", "failback", "asked",
                Snapshots.T0.plusSeconds(90), List.of(), Duration.ofMillis(800), true);
        var after = new org.understudy.model.PrimarySnapshot(p2.name(), org.understudy.model.PrimaryState.PROTECTED,
                p2.cause(), p2.since(), p2.paths(), p2.lastFailover(), 1, p2.caps(), null, back, p2.detection());
        ClusterSnapshot with = new ClusterSnapshot(s.cluster(), s.node(), List.of(s.primaries().get(0), after), s.volumes(),
                s.links(), s.paths(), s.alarms(), s.failover(), s.takenAt());
        Map<String, String> f = PrimaryView.fragments(state(with, ""), "p2");
        assertTrue(f.get("pv-timeline").contains("failback"), f.get("pv-timeline"));
        String detection = f.get("pv-detection");
        assertTrue(detection.contains("The last failover, at 2026-11-01 12:00:31Z:"), detection);
        assertTrue(detection.contains("<td>heartbeat-grace</td><td>+312 ms</td>"), detection);
    }

    @Test
    void primaryNodesConsole_detectionSettingsAreTheStandbys() {
        Map<String, String> f = PrimaryView.fragments(state(Snapshots.standby(1, 1, ""), ""), "p1");
        assertTrue(f.get("pv-detection").contains("The standby detects failures"), f.get("pv-detection"));
    }

    @Test
    void eventsAndErrorAndLoginPages_escapeWhatTheRequestBrought() {
        ConsoleState st = state(Snapshots.standby(1, 1, EVIL), EVIL);
        String events = EventsView.page(SITE, session(WebUser.Role.MONITOR), new EventsView.Filter(EVIL, "p1", "", EVIL, 0),
                st.recentEvents("p1", 10), List.of("p1"));
        assertEscaped(events);
        assertEscaped(Pages.error(SITE, null, 404, "Not found", "There is no page at /" + EVIL + "."));
        assertEscaped(Pages.login(SITE, "Wrong user name or password.", "/" + EVIL, "user" + EVIL));
    }

    @Test
    void overview_showsEveryPrimaryWithStatePathsVolumesCapsAlarmsAndWhereItIsServed() {
        ConsoleState st = state(Snapshots.standby(2, 2, ""), "");
        String rows = OverviewView.fragments(st).get("ov-primaries");
        assertTrue(rows.contains("data-primary=\"p1\"") && rows.contains("data-primary=\"p2\""), rows);
        assertTrue(rows.contains("state-standing_in\">STANDING_IN"), "p1 stands in");
        assertTrue(rows.contains("standby, standing in at 127.0.1.1:10809"), "where p1 is served");
        assertTrue(rows.contains("p2 at 127.0.1.2:10809"), "where p2 is served");
        assertTrue(rows.contains("production DOWN") && rows.contains("link UP"), "each path");
        assertTrue(rows.contains("42.5 %") && rows.contains("dirty 4.0 KiB") && rows.contains("backlog 512 B"), "sync, dirty, backlog");
        assertTrue(rows.contains("mirror 19.1 MiB/s · resync unlimited"), "caps");
        assertTrue(rows.contains(">PATH_DOWN<") && rows.contains(">STANDING_IN<"), "p1's alarms");
        assertTrue(rows.contains("switchover 2026-11-01 12:00:00Z (150 ms, completed)"), "last failover");
        String alarms = OverviewView.fragments(st).get("ov-alarms");
        assertTrue(alarms.indexOf("STANDING_IN") < alarms.indexOf("PATH_DOWN"), "alarms in the model's order, most severe first");
    }

    @Test
    void primaryPage_onTheStandby_listsTheSnapshots_escaped_andTheirSpace() {
        ClusterSnapshot s = Snapshots.standby(2, 2, EVIL);
        SnapshotEntry e = new SnapshotEntry("p1", "vol0", 3, "nightly" + EVIL,
                SnapshotEntry.exportName("p1", "vol0", "nightly" + EVIL), Snapshots.T0, SnapshotKind.SCHEDULED, true,
                true, 64L << 20, 5L << 20, List.of("every 1d"), null, false);
        ClusterSnapshot with = new ClusterSnapshot(s.cluster(), s.node(), s.primaries(), s.volumes(), s.links(),
                s.paths(), s.alarms(), s.failover(), s.takenAt(), List.of(e),
                List.of(new SnapshotSpace("p1", 5L << 20, 0, 1)));
        Map<String, String> f = PrimaryView.fragments(state(with, EVIL), "p1");
        assertEscaped(f.get("pv-snapshots"));
        assertTrue(f.get("pv-snapshots").contains("p1/vol0@nightly"), f.get("pv-snapshots"));
        assertTrue(f.get("pv-snapshots").contains("1 snapshot(s)"), f.get("pv-snapshots"));
        assertFalse(PrimaryView.fragments(state(with, EVIL), "p2").containsKey("pv-snapshots"),
                "no snapshot space known for p2: no section");
    }

    @Test
    void primaryPage_showsVolumesTimelineAndJobs() {
        ConsoleState st = state(Snapshots.standby(2, 2, ""), "");
        Map<String, String> f = PrimaryView.fragments(st, "p1");
        String volumes = f.get("pv-volumes");
        assertTrue(volumes.contains("1.0 MiB of 4.0 MiB at 1.9 MiB/s"), "resync progress and rate: " + volumes);
        assertTrue(volumes.contains("1.6 s"), "ETA of the 3 MiB left at 2 MB/s");
        assertTrue(volumes.contains("1.2 ms"), "write latency p99");
        String timeline = f.get("pv-timeline");
        assertTrue(timeline.contains("<svg") && timeline.contains("drain-primary") && timeline.contains("120 ms"), timeline);
        assertTrue(f.get("pv-jobs").contains("drain-primary") && f.get("pv-jobs").contains("REFUSED"), f.get("pv-jobs"));
        assertTrue(f.get("pv-events").contains("authentication refused"), f.get("pv-events"));
        assertTrue(PrimaryView.fragments(st, "p9").isEmpty(), "no fragments for a primary the model does not know");
        assertNull(Pages.primary(st, null, ActionCatalog.standard(), "p9"));
    }

    @Test
    void actions_shownToOperatorsOnly_withCsrfTokenAndTheNameConfirmation() {
        ConsoleState st = state(Snapshots.standby(1, 2, ""), "");
        WebSession operator = session(WebUser.Role.OPERATOR);
        String page = Pages.primary(st, operator, ActionCatalog.standard(), "p1");
        for (String a : List.of("switchover", "failback", "failover", "fence-clear", "verify", "link-test", "throttle")) {
            assertTrue(page.contains("action=\"/actions/" + a + "\""), a + " offered to an operator");
        }
        assertTrue(page.contains("name=\"csrf\" value=\"" + operator.csrf() + "\""), "every form carries the CSRF token");
        assertTrue(page.contains("data-confirm-name=\"p1\""), "forced failover asks for the name");
        String overview = Pages.overview(st, operator, ActionCatalog.standard());
        assertTrue(overview.contains("action=\"/actions/autoswitch\"") && overview.contains("action=\"/actions/throttle-all\""));
        WebSession monitor = session(WebUser.Role.MONITOR);
        assertFalse(Pages.primary(st, monitor, ActionCatalog.standard(), "p1").contains("/actions/"), "a monitor sees no action");
        assertFalse(Pages.overview(st, monitor, ActionCatalog.standard()).contains("/actions/"), "a monitor sees no action");
    }

    @Test
    void primaryNodesConsole_offersOnlyItsOwnActions() {
        ConsoleState st = state(Snapshots.standby(1, 2, ""), "");
        Site primary = new Site("demo", "p1", Role.PRIMARY, Map.of("p1", "127.0.1.1:10809"), Map.of("p1", List.of("vol0")));
        ConsoleState onPrimary = new ConsoleState(primary, st.snapshot(), List.of(), q -> List.of());
        String page = Pages.primary(onPrimary, session(WebUser.Role.OPERATOR), ActionCatalog.standard(), "p1");
        assertTrue(page.contains("/actions/verify") && page.contains("/actions/throttle"));
        assertFalse(page.contains("/actions/switchover") || page.contains("/actions/failback"), "failovers are the standby's");
        assertFalse(primary.knows("p2"), "a primary's console answers for itself only");
    }
}
