package org.understudy.web.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.e2e.Cmd;
import org.understudy.e2e.DemoFixture;
import org.understudy.e2e.Poll;

/**
 * The web console in a real browser against a real demo cluster (a standby and two primaries as separate JVMs):
 * the operator's overview, a SIGKILLed primary going STANDING_IN on the open page without a reload, a failback and a
 * switchover started from the page with their steps shown live, the monitor's pages without actions and its forged
 * request refused and audited, a request without its CSRF token refused, wrong passwords slowed and recorded.
 * The steps build on each other (one cluster, in order), so the whole class takes about a minute and a half.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebConsoleIT {
    private static final Duration LIVE = Duration.ofSeconds(30);
    @TempDir
    static Path dir;
    private static DemoFixture demo;
    private static Browser browser;
    private static JsonNode web;

    @BeforeAll
    static void start() throws Exception {
        demo = DemoFixture.start(dir.resolve("demo"), "--primaries", "2", "--volume-size", "16MiB");
        web = DemoWeb.web(demo, "standby");
        HttpClient client = DemoWeb.insecureClient();
        DemoWeb.awaitConsole(client, web.path("url").asText());
        browser = new Browser(web.path("url").asText());
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (demo != null) {
                demo.close();
            }
        }
    }

    private static String operator() {
        return web.path("user").asText();
    }

    private static String operatorPassword() {
        return web.path("password").asText();
    }

    private static String badge(String css) {
        return browser.text(css);
    }

    /** Waits until the page shows an action on its primary that has ended; returns its state class (job-ok...). */
    private static String awaitJobEnded(String what) {
        Poll.until(Duration.ofSeconds(90), what + " shown ended on the page",
                () -> browser.count("#pv-jobs li.job") > 0 && browser.count("#pv-jobs li.job-running") == 0);
        return browser.attributes("#pv-jobs li.job", "class").getFirst();
    }

    /**
     * {@code /metrics} fetched with curl and the demo's token, parsed by the Prometheus Python client's own parser
     * (Debian's python3-prometheus-client): every family of the model is there and agrees with the cluster.
     */
    @Test
    @Order(0)
    void metrics_curlWithTheToken_parseWithThePrometheusParser() throws Exception {
        JsonNode metrics = DemoWeb.node(demo, "standby").path("metrics");
        String url = metrics.path("url").asText();
        Cmd.Result refused = Cmd.run(Duration.ofSeconds(30), "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", url);
        assertEquals("401", refused.output().trim(), "no token, no metrics");
        Path scraped = dir.resolve("metrics.txt");
        Cmd.run(Duration.ofSeconds(30), "curl", "-skf", "-o", scraped.toString(), "-H",
                "Authorization: Bearer " + metrics.path("token").asText(), url).ok();
        Cmd.Result parsed = Cmd.run(Duration.ofSeconds(30), "/usr/bin/python3", "-c", """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                out = []
                for f in text_string_to_metric_families(open(sys.argv[1]).read()):
                    for s in f.samples:
                        out.append({"family": f.name, "type": f.type, "name": s.name, "labels": s.labels, "value": s.value})
                print(json.dumps(out))
                """, scraped.toString()).ok();
        JsonNode samples = new com.fasterxml.jackson.databind.ObjectMapper().readTree(parsed.output());
        java.util.Set<String> names = new java.util.TreeSet<>();
        samples.forEach(x -> names.add(x.path("name").asText()));
        for (String n : List.of("understudy_primary_state", "understudy_path_up", "understudy_volume_replicated_bytes_total",
                "understudy_volume_backlog_bytes", "understudy_volume_sync_ratio", "understudy_volume_resync_done_bytes",
                "understudy_primary_failovers_total", "understudy_alarms_active", "understudy_auth_failures_total",
                "understudy_node_info", "understudy_link_state")) {
            assertTrue(names.contains(n), n + " in " + names);
        }
        for (String p : List.of("p1", "p2")) {
            double protectedNow = 0;
            for (JsonNode x : samples) {
                if (x.path("name").asText().equals("understudy_primary_state") && x.path("labels").path("primary").asText().equals(p)
                        && x.path("labels").path("state").asText().equals("PROTECTED")) {
                    protectedNow = x.path("value").asDouble();
                }
            }
            assertEquals(1.0, protectedNow, p + " PROTECTED in the metrics");
        }
    }

    @Test
    @Order(1)
    void operator_logsIn_overviewListsEveryPrimary() throws Exception {
        assertEquals("/", browser.login(operator(), operatorPassword()));
        browser.awaitLive();
        List<String> rows = browser.attributes("tr.primary-row", "data-primary");
        assertEquals(List.of("p1", "p2"), rows);
        for (String p : rows) {
            assertEquals("PROTECTED", badge("tr[data-primary='" + p + "'] td.state .badge"), p);
        }
        assertTrue(browser.text("#who").startsWith("operator"), browser.text("#who"));
        assertEquals(1, browser.count("form.action[data-action='autoswitch']"), "an operator sees the cluster actions");
        browser.screenshot("overview");
    }

    @Test
    @Order(2)
    void sigkilledPrimary_goesStandingIn_onTheOpenPage_withoutAReload() throws Exception {
        browser.open("/");
        browser.awaitLive();
        browser.js("window.understudyNoReload = 'still the same page';");
        demo.kill("p1");
        Poll.until(LIVE, "p1 shown STANDING_IN on the open overview",
                () -> badge("tr[data-primary='p1'] td.state .badge").equals("STANDING_IN"));
        assertEquals("still the same page", browser.js("return window.understudyNoReload"), "the page was not reloaded");
        assertTrue(browser.text("tr[data-primary='p1']").contains("standby, standing in"),
                browser.text("tr[data-primary='p1']"));
        // a SIGKILLed process on a live host: the fast path, beside the last failover and on the primary's page
        Poll.until(LIVE, "p1's last failover shown with its detection path",
                () -> browser.text("tr[data-primary='p1']").contains("failover (process-dead)"));
        browser.screenshot("overview-standing-in");
        browser.open("/primary/p1");
        browser.awaitLive();
        String timeline = browser.text("#pv-timeline");
        assertTrue(timeline.contains("failover (process-dead)") && timeline.contains("Detected: process-dead in "), timeline);
        // one row per probe the standby made: one, or two when the first met the dying process's socket (reset, then
        // refused); the page must show what the standby recorded
        int probes = 0;
        for (JsonNode p : demo.status("standby").path("primaries")) {
            if (!p.path("name").asText().equals("p1")) {
                continue;
            }
            for (JsonNode fact : p.path("lastFailover").path("detection").path("facts")) {
                probes += fact.path("name").asText().equals("probe") ? 1 : 0;
            }
        }
        assertTrue(probes >= 1, "the standby recorded a probe: " + timeline);
        assertEquals(probes, browser.count("#pv-timeline table.detection-facts tr[data-fact='probe']"), timeline);
        String detection = browser.text("#pv-detection");
        assertTrue(detection.contains("link closed by the peer + probe refused + ") && detection.contains("ms + a failed probe"),
                detection);
        browser.js("document.getElementById('pv-timeline').scrollIntoView()");
        browser.screenshot("primary-detection");
    }

    @Test
    @Order(3)
    void failback_startedFromThePrimaryPage_showsItsStepsLive() throws Exception {
        // changes on the stand-in, so the failback has something to copy back
        DemoFixture.Volume v = demo.volume("p1", "vol0");
        Cmd.run(Duration.ofSeconds(60), "qemu-io", "-f", "raw", "-t", "none", "-c", "write -P 0xcd 0 8M", v.nbd()).ok();
        demo.restart("p1");
        browser.open("/primary/p1");
        browser.awaitLive();
        browser.js("window.understudyNoReload = 'primary page';");
        assertEquals("STANDING_IN", badge("#pv-head .badge"));
        browser.one("form.action[data-action='failback'] button").click();
        Poll.until(LIVE, "the failback's job on the page", () -> browser.count("#pv-jobs li.job") > 0);
        boolean[] shot = {false};
        Poll.until(Duration.ofSeconds(90), "the failback to end on the page", () -> {
            if (!shot[0] && (badge("#pv-head .badge").equals("FAILING_BACK") || browser.count("#pv-jobs li.job-running") > 0)) {
                browser.js("window.scrollTo(0, 0)");
                browser.screenshot("primary-failback");
                shot[0] = true;
            }
            return browser.count("#pv-jobs li.job-running") == 0;
        });
        assertEquals("job job-ok", browser.attributes("#pv-jobs li.job", "class").getFirst(), browser.text("#pv-jobs"));
        if (!shot[0]) {
            browser.js("window.scrollTo(0, 0)");
            browser.screenshot("primary-failback");
        }
        String steps = browser.text("#pv-jobs li.job-ok ol.steps");
        for (String step : List.of("resync-primary", "stop-serving", "release-identity", "return-role")) {
            assertTrue(steps.contains(step), "step " + step + " shown: " + steps);
        }
        Poll.until(LIVE, "p1 PROTECTED again on its page", () -> badge("#pv-head .badge").equals("PROTECTED")
                || badge("#pv-head .badge").equals("SYNCING"));
        assertTrue(browser.text("#pv-timeline").contains("failback"), browser.text("#pv-timeline"));
        browser.screenshot("primary-after-failback");
    }

    @Test
    @Order(4)
    void switchover_startedFromThePage_showsItsStepsAndEndsStandingIn() throws Exception {
        browser.open("/primary/p2");
        browser.awaitLive();
        browser.one("form.action[data-action='switchover'] button").click();
        assertEquals("job job-ok", awaitJobEnded("the switchover"), browser.text("#pv-jobs"));
        String steps = browser.text("#pv-jobs li.job-ok ol.steps");
        for (String step : List.of("drain-primary", "catch-up", "fence-epoch", "take-over-identity", "serve-volumes")) {
            assertTrue(steps.contains(step), "step " + step + " shown: " + steps);
        }
        Poll.until(LIVE, "p2 STANDING_IN on its page", () -> badge("#pv-head .badge").equals("STANDING_IN"));
        assertTrue(browser.text("#pv-jobs li.job-ok").contains("by " + operator()), browser.text("#pv-jobs li.job-ok"));
        browser.screenshot("primary-switchover");
    }

    /** A forced failover's confirmation is the primary's name; anything else is refused before the command API. */
    @Test
    @Order(5)
    void forcedFailover_withoutTheNameTyped_isRefusedAndNothingHappens() throws Exception {
        browser.open("/primary/p1");
        browser.awaitLive();
        String before = badge("#pv-head .badge");
        Map<String, Object> r = post("/actions/failover", "primary=p1&confirm=p2&csrf=" + csrf());
        assertEquals(400L, r.get("status"), String.valueOf(r));
        assertTrue(String.valueOf(r.get("text")).contains("name (p1) to confirm a forced failover; nothing was done"),
                String.valueOf(r));
        assertEquals(before, badge("#pv-head .badge"), "p1's state unchanged by the refused request");
        assertFalse(browser.text("#pv-jobs").contains("failover p1"), "no failover started: " + browser.text("#pv-jobs"));
        assertTrue(browser.one("form.action[data-action='failover'] button").getAttribute("disabled") != null,
                "the button stays disabled until the name is typed");
    }

    @Test
    @Order(6)
    void actionWithoutCsrfToken_isRefused_403() throws Exception {
        browser.open("/primary/p1");
        Map<String, Object> none = post("/actions/link-test", "primary=p1");
        assertEquals(403L, none.get("status"), String.valueOf(none));
        assertTrue(String.valueOf(none.get("text")).contains("no CSRF token"), String.valueOf(none));
        Map<String, Object> wrong = post("/actions/link-test", "primary=p1&csrf=forged-token");
        assertEquals(403L, wrong.get("status"), String.valueOf(wrong));
    }

    @Test
    @Order(7)
    void monitor_seesNoActions_andItsForgedActionIsRefused403AndAudited() throws Exception {
        browser.one("header form[action='/logout'] button").click();
        Poll.until(LIVE, "logged out", () -> browser.path().startsWith("/login"));
        JsonNode monitor = web.path("monitor");
        assertEquals("/", browser.login(monitor.path("user").asText(), monitor.path("password").asText()));
        assertEquals(0, browser.count("form.action"), "no action controls on the overview");
        browser.open("/primary/p1");
        assertEquals(0, browser.count("form.action"), "no action controls on a primary's page");
        Map<String, Object> r = post("/actions/fence-clear", "primary=p1&csrf=" + csrf());
        assertEquals(403L, r.get("status"), String.valueOf(r));
        assertTrue(String.valueOf(r.get("text")).contains("not allowed to act"), String.valueOf(r));
        browser.open("/events?kind=OPERATOR_ACTION&actor=monitor");
        String rows = browser.text("#events-table");
        assertTrue(rows.contains("monitor via web") && rows.contains("fence-clear") && rows.contains("REFUSED"), rows);
    }

    @Test
    @Order(8)
    void wrongPasswords_areSlowedDown_andRecordedAsAuthenticationFailures() throws Exception {
        browser.one("header form[action='/logout'] button").click();
        Poll.until(LIVE, "logged out", () -> browser.path().startsWith("/login"));
        browser.login(operator(), "not-the-password");
        assertEquals("Wrong user name or password.", browser.text("#login-error"));
        // two more at once from the same source: the next one is not even checked until the wait is over
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tries = (List<Map<String, Object>>) browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const login = () => fetch('/login', {method: 'POST', redirect: 'manual',
                    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                    body: 'user=' + encodeURIComponent(arguments[0]) + '&password=still-wrong'})
                  .then(r => r.text().then(t => ({status: r.status, text: t})));
                login().then(a => login().then(b => done([a, b])));
                """, operator());
        // the first is checked (401) unless the wait after the form's failure is not over yet (429)
        assertTrue(List.of(401L, 429L).contains(tries.get(0).get("status")), String.valueOf(tries.get(0)));
        assertEquals(429L, tries.get(1).get("status"), String.valueOf(tries.get(1)));
        assertTrue(String.valueOf(tries.get(1).get("text")).contains("Too many failed logins from"),
                String.valueOf(tries.get(1)));
        // the right password works again once the wait is over (a success clears the record)
        Poll.until(LIVE, "the operator's login accepted after the wait", () -> browser.login(operator(), operatorPassword()).equals("/"));
        browser.open("/events?kind=AUTH_FAILURE");
        String rows = browser.text("#events-table");
        assertTrue(rows.contains("web console") && rows.contains(operator()), rows);
    }

    @Test
    @Order(9)
    void badInput_getsAClear4xxPage_andChangesNothing() throws Exception {
        browser.open("/primary/no-such-primary");
        assertTrue(browser.text("#error").startsWith("404"), browser.text("#error"));
        browser.open("/events?since=yesterday-ish");
        assertTrue(browser.text("#error").startsWith("400"), browser.text("#error"));
        assertTrue(browser.text("#error-message").contains("since:"), browser.text("#error-message"));
        Map<String, Object> big = post("/actions/link-test", "primary=p1&csrf=" + csrf() + "&pad=" + "x".repeat(40_000));
        assertEquals(413L, big.get("status"), String.valueOf(big));
        Map<String, Object> unknown = post("/actions/link-test", "primary=p9&csrf=" + csrf());
        assertEquals(404L, unknown.get("status"), String.valueOf(unknown));
        Map<String, Object> rate = post("/actions/throttle", "primary=p1&traffic=mirror&rate=fast&csrf=" + csrf());
        assertEquals(400L, rate.get("status"), String.valueOf(rate));
    }

    /** The graphs page draws with uPlot from the node's own WebJar, and new samples arrive without a reload. */
    @Test
    @Order(10)
    void graphs_drawTheLastHour_andMoveLive() throws Exception {
        browser.open("/graphs?primary=p2");
        browser.awaitLive();
        Poll.until(LIVE, "the charts drawn", () -> browser.count("#graphs .uplot") == 4);
        long before = Long.parseLong(String.valueOf(browser.js("return document.getElementById('graphs').getAttribute('data-points') || '0'")));
        Poll.until(LIVE, "a new sample on the open page", () -> Long.parseLong(String.valueOf(
                browser.js("return document.getElementById('graphs').getAttribute('data-points') || '0'"))) > before);
        browser.screenshot("graphs");
    }

    /** The session's CSRF token, as the page carries it. */
    private static String csrf() {
        return browser.one("header form[action='/logout'] input[name='csrf']").getAttribute("value");
    }

    /** A same-origin form POST from the page (cookies included); its status and text. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> post(String path, String body) {
        return (Map<String, Object>) browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], {method: 'POST', redirect: 'manual',
                    headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1]})
                  .then(r => r.text().then(t => done({status: r.status, text: t})))
                  .catch(e => done({status: -1, text: String(e)}));
                """, path, body);
    }
}
