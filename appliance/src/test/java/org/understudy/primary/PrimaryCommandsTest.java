package org.understudy.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;
import org.understudy.resync.Throttles;

/** The primary's command handler: which caps a throttle command changes, and what it refuses. */
class PrimaryCommandsTest {
    private final Throttles throttles = Throttles.unlimited();
    private final PrimaryCommands commands = new PrimaryCommands("p1", throttles, Map.of());
    private final Actor ops = Actor.engine("test");

    @Test
    void throttle_global_setsTheGlobalBucketOfThatTraffic() throws Exception {
        CommandResult r = commands.handle(ops, new Command.SetThrottle(null, Command.Traffic.MIRROR, 20_000_000));
        assertEquals(CommandResult.Status.OK, r.status(), r.message());
        assertEquals(20_000_000L, throttles.mirroring().globalRate());
        assertEquals(0L, throttles.resync().globalRate());
        assertEquals("global", r.details().get("scope"));
        assertEquals(0L, r.details().get("previousBytesPerSecond"));
    }

    @Test
    void throttle_ownLink_setsTheLinkBucket_otherPrimaryRefused() throws Exception {
        assertEquals(CommandResult.Status.OK,
                commands.handle(ops, new Command.SetThrottle("p1", Command.Traffic.RESYNC, 1000)).status());
        assertEquals(1000L, throttles.resync().linkRate("p1"));
        assertEquals(CommandResult.Status.REFUSED,
                commands.handle(ops, new Command.SetThrottle("p2", Command.Traffic.RESYNC, 5)).status());
        assertEquals(0L, throttles.resync().linkRate("p2"));
    }

    @Test
    void failoverCommands_refusedOnAPrimary() throws Exception {
        assertEquals(CommandResult.Status.REFUSED, commands.handle(ops, new Command.Switchover("p1")).status());
        assertEquals(CommandResult.Status.REFUSED, commands.handle(ops, new Command.Verify("p1", "nope")).status());
    }
}
