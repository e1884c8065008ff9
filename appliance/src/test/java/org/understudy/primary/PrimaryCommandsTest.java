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

    @Test
    void mirrorCap_belowTheSyncFloor_refusedUnlessForced(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root)
            throws Exception {
        // regression: --mirror 5 set 5 B/s ("0.0 kB/s") and exited 0, stalling every write of a sync volume
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        org.understudy.config.ClusterConfig cluster = org.understudy.testing.TestCluster.of(root, dead, 1, 1 << 20);
        org.understudy.config.PrimaryConfig p = cluster.primaries().get(0);
        try (org.understudy.mirror.MirroredVolume v = org.understudy.mirror.MirroredVolume.open(cluster, p,
                p.volumes().get(0), org.understudy.mirror.MirrorOptions.defaults().withReconnect(
                        java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5)))) {
            PrimaryCommands c = new PrimaryCommands("p1", throttles, Map.of("vol0", v));
            CommandResult low = c.handle(ops, new Command.SetThrottle(null, Command.Traffic.MIRROR, 5));
            assertEquals(CommandResult.Status.REFUSED, low.status(), low.message());
            org.junit.jupiter.api.Assertions.assertTrue(low.message().contains("below the 1 MB/s floor")
                    && low.message().contains("[vol0]") && low.message().contains("--force"), low.message());
            assertEquals(0L, throttles.mirroring().globalRate(), "nothing changed");

            CommandResult forced = c.handle(ops, new Command.SetThrottle(null, Command.Traffic.MIRROR, 5, true));
            assertEquals(CommandResult.Status.OK, forced.status(), forced.message());
            org.junit.jupiter.api.Assertions.assertTrue(forced.message().contains("5 B/s (5 B/s) (forced)"),
                    forced.message());
            assertEquals(5L, throttles.mirroring().globalRate());
            // the floor is for mirroring: a low resync cap only slows a resync
            assertEquals(CommandResult.Status.OK,
                    c.handle(ops, new Command.SetThrottle(null, Command.Traffic.RESYNC, 5)).status());
            CommandResult ok = c.handle(ops, new Command.SetThrottle("p1", Command.Traffic.MIRROR, 20L << 20));
            org.junit.jupiter.api.Assertions.assertTrue(ok.message().contains("20 MiB/s (20,971,520 B/s)"),
                    ok.message());
        }
    }
}
