package org.understudy.standby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;
import org.understudy.model.ActorFace;
import org.understudy.model.BandwidthCaps;

/** The commands the standby passes on to a primary: which primary, what comes back, what the standby then shows. */
class StandbyCommandsTest {
    private static final Actor OPS = new Actor("ops", ActorFace.SNMP, true);

    private record Sent(Actor actor, String primary, Command command) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final CapsView caps = new CapsView(new BandwidthCaps(0, 50_000_000));

    /** A primary that applies every cap and reports the cap now in force, except p3, which cannot be reached. */
    private final PrimaryForwarder primaries = (actor, primary, command) -> {
        sent.add(new Sent(actor, primary, command));
        if (primary.equals("p3")) {
            return CommandResult.failed("throttle is carried out by primary p3, which the standby could not reach");
        }
        if (command instanceof Command.SetThrottle t) {
            return CommandResult.ok(primary + ": cap set", Map.of("effectiveBytesPerSecond", t.bytesPerSecond()));
        }
        return CommandResult.ok(primary + ": " + command.name() + " done");
    };

    private StandbyCommands commands(String... names) {
        // the failover engine is not involved in the commands a primary carries out
        return new StandbyCommands("standby", null, null, List.of(names), primaries, caps);
    }

    @Test
    void linkCap_goesToThatPrimary_andTheStandbyShowsWhatItConfirmed() throws Exception {
        CommandResult r = commands("p1", "p2").handle(OPS, new Command.SetThrottle("p2", Command.Traffic.RESYNC, 2_000_000));
        assertTrue(r.ok(), r.message());
        assertEquals(List.of(new Sent(OPS, "p2", new Command.SetThrottle("p2", Command.Traffic.RESYNC, 2_000_000))), sent);
        assertEquals(new BandwidthCaps(0, 2_000_000), caps.of("p2"));
        assertEquals(new BandwidthCaps(0, 50_000_000), caps.of("p1"), "the cluster file's cap until one is set");
    }

    @Test
    void globalCap_goesToEveryPrimary_okOnlyIfEveryOneApplied() throws Exception {
        CommandResult r = commands("p1", "p2", "p3").handle(OPS, new Command.SetThrottle(null, Command.Traffic.MIRROR, 9_000_000));
        assertEquals(List.of("p1", "p2", "p3"), sent.stream().map(Sent::primary).toList());
        assertEquals(CommandResult.Status.FAILED, r.status(), "p3 could not be reached");
        assertTrue(r.message().contains("p3: FAILED"), r.message());
        assertEquals("OK", r.details().get("p1.status"));
        assertEquals(9_000_000, caps.of("p1").mirror());
        assertEquals(0, caps.of("p3").mirror(), "nothing assumed for a primary that did not confirm");
    }

    @Test
    void capsSeenInAPrimarysStatus_replaceTheView_changeReportedOnce() {
        assertTrue(caps.observed("p1", new BandwidthCaps(7, 50_000_000)));
        assertEquals(new BandwidthCaps(7, 50_000_000), caps.of("p1"));
        assertTrue(!caps.observed("p1", new BandwidthCaps(7, 50_000_000)), "unchanged: nothing to log");
        assertTrue(!caps.observed("p2", new BandwidthCaps(0, 50_000_000)), "the cluster file's caps: no change");
    }

    @Test
    void verifyAndLinkTest_goToTheirPrimary_unknownPrimaryRefusedWithoutSending() throws Exception {
        StandbyCommands c = commands("p1", "p2");
        assertTrue(c.handle(OPS, new Command.Verify("p1", "vol0")).ok());
        assertTrue(c.handle(OPS, new Command.LinkTest("p2")).ok());
        CommandResult r = c.handle(OPS, new Command.Verify("p9", "vol0"));
        assertEquals(CommandResult.Status.REFUSED, r.status());
        assertTrue(r.message().contains("primaries: p1, p2"), r.message());
        assertEquals(List.of("p1", "p2"), sent.stream().map(Sent::primary).toList());
    }

    @Test
    void bodiesAndAnswers_matchTheAdminApi() throws Exception {
        assertEquals(Map.of("primary", "p1", "traffic", "resync", "bytesPerSecond", 1000L),
                PrimaryForwarder.fields(new Command.SetThrottle("p1", Command.Traffic.RESYNC, 1000)));
        assertEquals(Map.of("primary", "p1", "volume", "vol0"), PrimaryForwarder.fields(new Command.Verify("p1", "vol0")));
        CommandResult r = PrimaryForwarder.fromJson(org.understudy.admin.Json.mapper().readTree(
                "{\"status\":\"REFUSED\",\"message\":\"busy\",\"details\":{\"effectiveBytesPerSecond\":5,\"scope\":\"link\"}}"));
        assertEquals(new CommandResult(CommandResult.Status.REFUSED, "busy", Map.of("effectiveBytesPerSecond", 5L, "scope", "link")), r);
        assertEquals(CommandResult.Status.FAILED, PrimaryForwarder.fromJson(org.understudy.admin.Json.mapper().readTree("{}")).status());
    }
}
