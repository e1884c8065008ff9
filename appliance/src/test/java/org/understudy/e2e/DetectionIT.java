package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.nbd.NbdClient;

/**
 * The two speeds of failure detection over real processes (a demo standby and one primary): a primary process
 * SIGKILLed on a live host is found dead on the fast path and its export answers again at the same address well
 * before the slow path's timeout alone would have passed; a SIGSTOPped primary (a frozen host: no close, no refusal,
 * a probe that times out) is only ever found on the slow path, after the full timeout. A frozen host keeps its
 * listening socket: with the demo's fence (a power switch per node) it is powered off before await-release and its
 * export answers at the same address; without a fence the takeover fails saying so, and the thawed primary is fenced.
 */
class DetectionIT {
    /** The demo's slow-path timeout (the default). */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The demo's heartbeat interval (the default). */
    private static final Duration INTERVAL = Duration.ofMillis(250);

    @TempDir
    Path tmp;
    private DemoFixture demo;
    private final List<Long> stopped = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (long pid : stopped) {
            // a stopped process ignores SIGTERM until it runs again: end it for good
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (demo != null) {
            demo.close();
        }
    }

    private static JsonNode primary(JsonNode status, String name) {
        for (JsonNode p : status.path("primaries")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no primary " + name + " in " + status);
    }

    private static List<String> factNames(JsonNode detection) {
        List<String> names = new ArrayList<>();
        detection.path("facts").forEach(f -> names.add(f.path("name").asText()));
        return names;
    }

    private static boolean serves(InetSocketAddress at, String export) {
        try {
            return NbdClient.list(at, Duration.ofMillis(200)).contains(export);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void sigkillPrimaryProcess_processDead_exportAnswersAtTheSameAddressBeforeTheTimeout_restartStaysFenced()
            throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1", "--volume-size", "16MiB");
        InetSocketAddress service = new InetSocketAddress(demo.address("p1"), 10809);
        assertTrue(serves(service, "vol0"));

        long killedAt = System.nanoTime();
        demo.kill("p1");
        Poll.until(Duration.ofSeconds(20), "vol0 answers again at " + service, () -> serves(service, "vol0"));
        double killToServing = (System.nanoTime() - killedAt) / 1e9;

        JsonNode p1 = primary(demo.status("standby"), "p1");
        assertEquals("STANDING_IN", p1.path("state").asText(), p1.toString());
        JsonNode timeline = p1.path("lastFailover");
        JsonNode detection = timeline.path("detection");
        assertEquals("process-dead", detection.path("path").asText(), timeline.toString());
        assertEquals("link-closed", factNames(detection).get(0), detection.toString());
        assertTrue(factNames(detection).containsAll(List.of("probe", "heartbeat-grace")), detection.toString());
        assertTrue(detection.toString().contains("refused"), detection.toString());
        assertEquals("fence-epoch", timeline.path("steps").path(0).path("name").asText(), "the epoch first");
        System.out.printf("SIGKILL -> vol0 answers at %s: %.3f s; %s%n", service, killToServing, detection);
        // the fast path's whole point: served before the slow path's timeout alone would have passed
        assertTrue(killToServing < TIMEOUT.toNanos() / 1e9, "kill -> serving " + killToServing + " s");

        // the process comes back after the takeover: the epoch refuses it, it serves nothing
        demo.restart("p1");
        Poll.until(Duration.ofSeconds(30), "p1 reports itself FENCED", () -> "FENCED".equals(demo.primaryState("p1",
                "p1")));
        assertEquals("STANDING_IN", demo.primaryState("standby", "p1"));
    }

    @Test
    void sigstopPrimary_noFence_hostSilentAfterTheFullTimeout_takeoverFailsNamingTheFence_thawedPrimaryFenced()
            throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1", "--volume-size", "16MiB", "--no-fence");
        InetSocketAddress service = new InetSocketAddress(demo.address("p1"), 10809);
        long pid = demo.pid("p1");
        stopped.add(pid);
        Instant stoppedAt = Instant.now();
        Cmd.run(Duration.ofSeconds(10), "kill", "-STOP", Long.toString(pid)).ok();

        JsonNode timeline = Poll.value(Duration.ofSeconds(30), "the standby decides on the frozen p1", () -> {
            try {
                JsonNode t = primary(demo.status("standby"), "p1").path("lastFailover");
                return t.isObject() ? t : null;
            } catch (Exception e) {
                return null;
            }
        });
        JsonNode detection = timeline.path("detection");
        assertEquals("host-silent", detection.path("path").asText(), timeline.toString());
        assertEquals(List.of("silence", "probe"), factNames(detection), detection.toString());
        double decidedAfter = Duration.between(stoppedAt, Instant.parse(timeline.path("startedAt").asText()))
                .toNanos() / 1e9;
        // every path silent past its timeout, counted from the last heartbeat (at most one interval before the stop);
        // the probe ran ahead of the timeout, so its time limit no longer adds to it
        assertTrue(decidedAfter >= (TIMEOUT.toNanos() - INTERVAL.toNanos()) / 1e9, "decided " + decidedAfter
                + " s after the stop");
        assertTrue(detection.path("facts").path(0).path("detail").asText().startsWith(
                "every path silent past its timeout"), detection.toString());
        assertEquals("fence-epoch", timeline.path("steps").path(0).path("name").asText(), "the epoch first");
        System.out.printf("SIGSTOP -> decision: %.3f s; %s%n", decidedAfter, detection);

        // no fence: the frozen process's kernel keeps accepting on its address; the standby never binds over it
        JsonNode ended = Poll.value(Duration.ofSeconds(30), "the takeover of the frozen p1 ends", () -> {
            try {
                JsonNode p = primary(demo.status("standby"), "p1");
                return "FAILED".equals(p.path("state").asText()) ? p : null;
            } catch (Exception e) {
                return null;
            }
        });
        JsonNode steps = ended.path("lastFailover").path("steps");
        List<String> outcomes = new ArrayList<>();
        steps.forEach(st -> outcomes.add(st.path("name").asText() + " " + st.path("outcome").asText()));
        assertTrue(outcomes.containsAll(List.of("fence-command SKIPPED", "await-release FAILED")), outcomes.toString());
        JsonNode status = demo.status("standby");
        String alarm = null;
        for (JsonNode a : status.path("alarms")) {
            if (a.path("kind").asText().equals("PRIMARY_FAILED") && a.path("resource").asText().equals("p1")) {
                alarm = a.path("description").asText();
            }
        }
        assertTrue(alarm != null && alarm.contains("still answers on " + service.getHostString())
                && alarm.contains("a frozen host") && alarm.contains("set failover.fencingCommand"), "alarm: "
                + alarm + " in " + status);

        // it thaws: told it is fenced (the epoch is raised), it closes its exports; nothing serves two histories
        Cmd.run(Duration.ofSeconds(10), "kill", "-CONT", Long.toString(pid)).ok();
        Poll.until(Duration.ofSeconds(30), "the thawed p1 reports itself FENCED",
                () -> "FENCED".equals(demo.primaryState("p1", "p1")));
        Poll.until(Duration.ofSeconds(10), "nothing serves vol0 at " + service, () -> !serves(service, "vol0"));
        assertTrue(List.of("FAILED", "FENCED").contains(demo.primaryState("standby", "p1")),
                demo.primaryState("standby", "p1"));
    }

    @Test
    void sigstopPrimary_demoFence_hostSilent_poweredOffBeforeAwaitRelease_exportAnswersAtTheSameAddress()
            throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1", "--volume-size", "16MiB");
        InetSocketAddress service = new InetSocketAddress(demo.address("p1"), 10809);
        assertTrue(serves(service, "vol0"));
        long pid = demo.pid("p1");
        stopped.add(pid);
        long stoppedAt = System.nanoTime();
        Cmd.run(Duration.ofSeconds(10), "kill", "-STOP", Long.toString(pid)).ok();
        // a connection accepted while the signal was still reaching every thread may get its greeting: frozen first
        Poll.until(Duration.ofSeconds(2), "the frozen p1 no longer answers", () -> !serves(service, "vol0"));
        Poll.until(Duration.ofSeconds(30), "vol0 answers again at " + service, () -> serves(service, "vol0"));
        double stopToServing = (System.nanoTime() - stoppedAt) / 1e9;

        JsonNode p1 = primary(demo.status("standby"), "p1");
        assertEquals("STANDING_IN", p1.path("state").asText(), p1.toString());
        JsonNode timeline = p1.path("lastFailover");
        assertEquals("host-silent", timeline.path("detection").path("path").asText(), timeline.toString());
        List<String> names = new ArrayList<>();
        timeline.path("steps").forEach(st -> names.add(st.path("name").asText()));
        assertTrue(names.indexOf("fence-command") >= 0 && names.indexOf("fence-command") < names.indexOf(
                "await-release"), "the fence before await-release: " + names);
        JsonNode fence = timeline.path("steps").path(names.indexOf("fence-command"));
        assertEquals("OK", fence.path("outcome").asText(), fence.toString());
        assertTrue(fence.path("detail").asText().contains("powered off: SIGKILL to pid " + pid + " (state T)"),
                fence.toString());
        JsonNode release = timeline.path("steps").path(names.indexOf("await-release"));
        assertEquals("OK", release.path("outcome").asText(), release.toString());
        assertTrue(release.path("detail").asText().startsWith("nothing answers"), "free at the first look: "
                + release);
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "the fenced process is gone");
        assertTrue(java.nio.file.Files.readString(demo.dir().resolve("logs").resolve("fence.log"))
                .contains("fence p1: powered off: SIGKILL to pid " + pid));
        System.out.printf("SIGSTOP -> vol0 answers at %s: %.3f s; steps %s%n", service, stopToServing,
                timeline.path("steps"));
    }
}
