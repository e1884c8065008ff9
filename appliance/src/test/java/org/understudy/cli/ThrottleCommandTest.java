package org.understudy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.Main;
import org.understudy.admin.AdminServer;
import org.understudy.admin.CommandRoutes;
import org.understudy.admin.Snapshots;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.config.Endpoint;
import org.understudy.model.ActorFace;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.VerifySummary;
import org.understudy.model.VolumeSnapshot;

/** {@code understudy throttle | verify | link-test} in-process against an admin API recording the commands. */
class ThrottleCommandTest {
    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String TOKEN = "throttle-test-token-0123";

    @TempDir
    Path dir;
    private AdminServer server;
    private final List<Command> received = new CopyOnWriteArrayList<>();
    private final List<Actor> actors = new CopyOnWriteArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** The answer to every command; a test may change it. */
    private final AtomicReference<CommandResult> answer = new AtomicReference<>(CommandResult.ok("done", Map.of("figure", 42)));
    /** The node's status; a test may change it. */
    private volatile org.understudy.model.StateModel statusModel = Snapshots::standby;

    @BeforeEach
    void start() throws Exception {
        server = new AdminServer(new Endpoint("127.0.0.1", 0), TOKEN, () -> statusModel.snapshot());
        CommandRoutes.register(server, new CommandApi("p1", (actor, command) -> {
            received.add(command);
            actors.add(actor);
            return answer.get();
        }, (a, c, r) -> { }));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path config() throws Exception {
        Path secrets = dir.resolve("secrets.yaml");
        Files.writeString(secrets, "clusterKey: " + KEY + "\nadminToken: " + TOKEN + "\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        Path f = dir.resolve("cluster.yaml");
        Files.writeString(f, """
                cluster: { name: demo }
                standby: { name: standby, address: 127.0.2.1, admin: { address: 127.0.2.1, port: 7800 } }
                primaries:
                  - name: p1
                    address: 127.0.1.1
                    admin: { address: 127.0.0.1, port: %d }
                    volumes: [ { name: vol0, file: vol0.img, size: 64MiB } ]
                """.formatted(server.port()));
        return f;
    }

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void throttle_withPrimary_postsLinkCapsForBothTraffics_asCliActor() throws Exception {
        int code = run("throttle", "--config", config().toString(), "--primary", "p1", "--mirror", "20MB/s", "--resync", "off");
        assertEquals(0, code, err.toString());
        assertEquals(List.of(new Command.SetThrottle("p1", Command.Traffic.MIRROR, 20_000_000L),
                new Command.SetThrottle("p1", Command.Traffic.RESYNC, 0)), received);
        assertEquals(ActorFace.CLI, actors.get(0).face());
        assertTrue(out.toString().contains("p1: OK done") && out.toString().contains("figure: 42"), out.toString());
    }

    @Test
    void throttle_withoutPrimary_setsEachPrimarysGlobalCap() throws Exception {
        assertEquals(0, run("throttle", "--config", config().toString(), "--mirror", "5MiB/s"), err.toString());
        assertEquals(List.of(new Command.SetThrottle(null, Command.Traffic.MIRROR, 5L << 20)), received);
    }

    @Test
    void throttle_badRateOrNothingToSet_exit2() throws Exception {
        assertEquals(2, run("throttle", "--config", config().toString(), "--mirror", "fast"));
        assertTrue(err.toString().contains("not a rate"), err.toString());
        assertEquals(2, run("throttle", "--config", config().toString()));
        assertEquals(2, run("throttle", "--config", config().toString(), "--primary", "p9", "--mirror", "1MB/s"));
        assertTrue(received.isEmpty());
    }

    @Test
    void throttle_ambiguousOrBareRate_refusedOfferingBothReadings_nothingSent() throws Exception {
        // regression: --mirror 20mbps set 20 MB/s, and --mirror 5 set 5 B/s and exited 0
        assertEquals(2, run("throttle", "--config", config().toString(), "--mirror", "20mbps"));
        assertTrue(err.toString().contains("20MB/s for 20,000,000 B/s") && err.toString().contains(
                "20Mbit/s for 2,500,000 B/s"), err.toString());
        assertEquals(2, run("throttle", "--config", config().toString(), "--mirror", "5"));
        assertTrue(err.toString().contains("\"5\" is ambiguous"), err.toString());
        assertTrue(received.isEmpty());
    }

    @Test
    void throttle_bits_echoedInTheUnitGivenAndInBytes_forcePassedOn() throws Exception {
        assertEquals(0, run("throttle", "--config", config().toString(), "--primary", "p1", "--mirror", "20Mbit/s"),
                err.toString());
        assertTrue(out.toString().contains("link mirror cap 20 Mbit/s (2,500,000 B/s)"), out.toString());
        assertEquals(0, run("throttle", "--config", config().toString(), "--primary", "p1", "--mirror", "5B/s",
                "--force"), err.toString());
        assertEquals(List.of(new Command.SetThrottle("p1", Command.Traffic.MIRROR, 2_500_000L),
                new Command.SetThrottle("p1", Command.Traffic.MIRROR, 5L, true)), received);
    }

    @Test
    void verifyAndLinkTest_postToThePrimary() throws Exception {
        assertEquals(0, run("verify", "--config", config().toString(), "p1", "vol0"), err.toString());
        assertEquals(0, run("link-test", "--config", config().toString(), "p1"), err.toString());
        assertEquals(List.of(new Command.Verify("p1", "vol0"), new Command.LinkTest("p1")), received);
    }

    /** A verify that outlasts its request: the command follows the volume's last verify in status until it ends. */
    @Test
    void verify_stillRunning_followsStatusUntilTheOutcome() throws Exception {
        Instant started = Instant.parse("2026-11-22T05:00:00Z");
        answer.set(CommandResult.ok("p1/vol0: verify still running after 20 s", Map.of("running", true,
                "startedAt", started.toString())));
        ClusterSnapshot before = Snapshots.standby();
        VolumeSnapshot v = before.volumes().get(0);
        VolumeSnapshot verified = new VolumeSnapshot(v.primary(), v.name(), v.size(), v.mode(), v.state(), v.syncPercent(),
                v.bytesReplicated(), v.writesReplicated(), v.writeLatency(), 0, 0, 0, 0, 0, "",
                new VerifySummary(started.plusSeconds(95), 1024, 2, "2 of 1024 regions differed"));
        ClusterSnapshot after = new ClusterSnapshot(before.cluster(), before.node(), before.primaries(),
                List.of(verified, before.volumes().get(1)), before.links(), before.paths(), before.alarms(),
                before.failover(), before.takenAt());
        // the first look at the status finds the verify still running, the next one its outcome
        AtomicInteger looks = new AtomicInteger();
        statusModel = () -> looks.incrementAndGet() < 2 ? before : after;
        assertEquals(0, run("verify", "--config", config().toString(), "p1", "vol0"), err.toString());
        String printed = out.toString();
        assertTrue(printed.contains("verify still running") && printed.contains("p1/vol0 verify finished at "
                + started.plusSeconds(95) + ": 2 of 1024 regions differed") && printed.contains("mismatches: 2"), printed);
        // the outcome takes a second look at the status (the progress follower reads it meanwhile too); once the
        // outcome is printed nothing reads it any more: the follower's thread has ended when the command returns
        int atEnd = looks.get();
        assertTrue(atEnd >= 2, "followed the status until the outcome: " + atEnd + " looks");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().equals("understudy-verify-progress")),
                "stopped following once the outcome was printed");
        assertEquals(atEnd, looks.get(), "no look at the status after the outcome");
    }
}
