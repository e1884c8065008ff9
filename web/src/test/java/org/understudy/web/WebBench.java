package org.understudy.web;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.web.e2e.Trust;

/**
 * The web benchmark's node (run by {@code bench/web.sh}): the real web face over a synthetic standby of 20
 * primaries with 4 volumes each, over HTTPS as shipped. Prints {@code READY base cookie token pid}; measures the
 * fan-out of model changes to 50 SSE pages in this JVM ({@code FANOUT round ms}); prints {@code IDLE} and waits
 * for a line on stdin while the script measures its CPU with 50 idle consoles open; then loads the overview once in
 * a fresh headless Chromium ({@code CHROMIUM ms}). Exits when stdin closes.
 */
public final class WebBench {
    private WebBench() {
    }

    public static void main(String[] args) throws Exception {
        int primaries = Integer.parseInt(args[0]);
        int volumes = Integer.parseInt(args[1]);
        int pages = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path dir = Files.createTempDirectory("understudy-web-bench");
        SyntheticNode node = new SyntheticNode(dir, primaries, volumes, SyntheticNode.web(true));
        WebFace face = new WebFace();
        face.start(node.context);
        String base = "https://127.0.0.1:" + face.port();
        HttpClient client = HttpClient.newBuilder().sslContext(Trust.all()).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("user=operator&password=" + SyntheticNode.PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow(() -> new IllegalStateException("login failed"));
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        System.out.println("READY " + base + " " + cookie + " " + SyntheticNode.TOKEN + " " + ProcessHandle.current().pid());

        fanout(node, face, client, base, cookie, pages, rounds);
        System.out.println("IDLE");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        in.readLine();
        System.out.println("CHROMIUM " + chromium(base));
        System.out.println("DONE");
        in.readLine();
        face.close();
        System.exit(0);
    }

    /** Opens {@code pages} SSE streams, then changes the model {@code rounds} times: time until every page has it. */
    private static void fanout(SyntheticNode node, WebFace face, HttpClient client, String base, String cookie, int pages,
                               int rounds) throws Exception {
        Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> streams = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            streams.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/live?view=overview"))
                    .header("Cookie", cookie).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(line -> {
                        int at = line.indexOf("bench-round-");
                        if (at >= 0) {
                            int end = at + 12;
                            while (end < line.length() && Character.isDigit(line.charAt(end))) {
                                end++;
                            }
                            seen.computeIfAbsent(Integer.parseInt(line.substring(at + 12, end)), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    })));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (face.livePages() < pages && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        System.out.println("PAGES " + face.livePages());
        for (int round = 1; round <= rounds; round++) {
            Thread.sleep(1500); // let the previous round settle so each one starts from a quiet hub
            ClusterSnapshot s = node.model.get();
            List<PrimarySnapshot> ps = new ArrayList<>(s.primaries());
            PrimarySnapshot p = ps.get(1);
            PrimaryState to = round % 2 == 0 ? PrimaryState.PROTECTED : PrimaryState.DEGRADED;
            ps.set(1, new PrimarySnapshot(p.name(), to, "bench-round-" + round, p.since(), p.paths(), p.lastFailover(),
                    p.failovers(), p.caps()));
            long t0 = System.nanoTime();
            node.model.set(new ClusterSnapshot(s.cluster(), s.node(), ps, s.volumes(), s.links(), s.paths(), s.alarms(),
                    s.failover(), s.takenAt()));
            node.events.publish(new ModelEvent.StateChanged(java.time.Instant.now(), p.name(), p.state(), to,
                    "bench-round-" + round, Map.of()));
            int r = round;
            long limit = t0 + Duration.ofSeconds(10).toNanos();
            while (seen.getOrDefault(r, new AtomicInteger()).get() < pages && System.nanoTime() < limit) {
                Thread.sleep(1);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("FANOUT " + round + " " + ms + " " + seen.getOrDefault(r, new AtomicInteger()).get());
        }
        streams.forEach(f -> f.cancel(true));
        client.close();
    }

    /** The overview's first load in a fresh headless Chromium (after logging in through the form), in ms. */
    private static long chromium(String base) throws Exception {
        Path profile = Files.createTempDirectory("understudy-bench-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1500,1000", "--user-data-dir=" + profile);
        ChromeDriver d = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build(), o);
        try {
            d.get(base + "/login");
            d.findElement(By.id("user")).sendKeys("operator");
            d.findElement(By.id("password")).sendKeys(SyntheticNode.PASSWORD);
            d.findElement(By.id("login-button")).click();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Object loaded = null;
            while (System.nanoTime() < deadline) {
                loaded = d.executeScript("var n = performance.getEntriesByType('navigation')[0];"
                        + " return n && n.loadEventEnd > 0 && location.pathname === '/' ? n.loadEventEnd - n.fetchStart : null;");
                if (loaded != null) {
                    break;
                }
                Thread.sleep(20);
            }
            return loaded == null ? -1 : Math.round(((Number) loaded).doubleValue());
        } finally {
            d.quit();
        }
    }
}
