package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaConfigTest {
    private static final String BASE = """
            cluster: { name: c }
            standby: { name: sb, address: 127.0.2.1 }
            primaries:
              - name: p1
                address: 127.0.1.1
                admin: { address: 127.0.1.1 }
                volumes: [ { name: vol0, file: v0.img, size: 1MiB } ]
            %s
              - name: p2
                address: 127.0.1.2
                admin: { address: 127.0.1.2 }
                volumes: [ { name: vol0, file: v1.img, size: 1MiB } ]
            """;

    @TempDir
    Path dir;

    @Test
    void noBlocks_defaults() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(ConfigFixtures.cluster(dir, BASE.formatted("")));
        assertEquals(HaConfig.DEFAULTS, c.ha());
        assertEquals(Duration.ofMillis(250), c.ha().health("p1").interval());
        assertNull(c.ha().commandsDir("p1"));
    }

    @Test
    void clusterBlocksAndPrimaryOverrides_parsed() throws Exception {
        String yaml = BASE.formatted("""
                    health: { timeout: 3s }
                    failover: { commandsDir: hooks/p1-own, identity: ip, device: br0, prefix: 16, releaseTimeout: 2s }
                """) + """
                health: { interval: 100ms, timeout: 1s, heartbeatPort: 7711 }
                failover:
                  auto: false
                  maxStandIns: 2
                  abortOnFencingFailure: false
                  fencingCommand: bin/off.sh --hard
                  commandsDir: failover.d
                  commandTimeout: 5s
                  releaseTimeout: 8s
                eventLog: { retentionDays: 30, maxRows: 5000, authFailureAlarmPerMinute: 10 }
                """;
        ClusterConfig c = ClusterConfigLoader.load(ConfigFixtures.cluster(dir, yaml));
        HaConfig ha = c.ha();
        assertEquals(new HaConfig.Health(Duration.ofMillis(100), Duration.ofSeconds(1), 7711), ha.health("p2"));
        assertEquals(new HaConfig.Health(Duration.ofMillis(100), Duration.ofSeconds(3), 7711), ha.health("p1"));
        assertFalse(ha.failover().auto());
        assertEquals(2, ha.failover().maxStandIns());
        assertEquals(List.of(dir.resolve("bin/off.sh").toAbsolutePath().normalize().toString(), "--hard"),
                ha.failover().fencingCommand());
        assertEquals(dir.resolve("failover.d/p2").toAbsolutePath().normalize(), ha.commandsDir("p2"));
        assertEquals(dir.resolve("hooks/p1-own").toAbsolutePath().normalize(), ha.commandsDir("p1"));
        assertEquals(HaConfig.Identity.IP, ha.failover("p1").identity());
        assertEquals("br0", ha.failover("p1").device());
        assertEquals(HaConfig.Identity.LOOPBACK, ha.failover("p2").identity());
        assertEquals(new HaConfig.EventLog(30, 5000, 10), ha.eventLog());
        assertEquals(Duration.ofSeconds(8), ha.failover("p2").releaseTimeout());
        assertEquals(Duration.ofSeconds(2), ha.failover("p1").releaseTimeout());
        assertEquals(Duration.ofSeconds(5), HaConfig.DEFAULTS.failover().releaseTimeout());
    }

    @Test
    void badValues_reportedWithTheirKeys() throws Exception {
        Path f = ConfigFixtures.cluster(dir, BASE.formatted("") + """
                health: { interval: 2s, timeout: 1s, color: red }
                failover: { auto: maybe, maxStandIns: 0, identity: vip }
                eventLog: { retentionDays: -1 }
                """);
        ConfigException e = ConfigFixtures.failsToLoad(f);
        ConfigFixtures.assertProblemLike(e, f, "health.timeout", "longer than the interval");
        ConfigFixtures.assertProblemLike(e, f, "health.color", "unknown key");
        ConfigFixtures.assertProblemLike(e, f, "failover.auto", "true or false");
        ConfigFixtures.assertProblemLike(e, f, "failover.maxStandIns", "whole number");
        ConfigFixtures.assertProblemLike(e, f, "failover.identity", "loopback or ip");
        ConfigFixtures.assertProblemLike(e, f, "eventLog.retentionDays", "whole number");
    }

    @Test
    void detectionFigures_defaultsFollowTheInterval_overridesAndOff() throws Exception {
        assertEquals(Duration.ofMillis(375), HaConfig.DEFAULTS.health().processDeadGrace(), "1.5 intervals");
        assertEquals(Duration.ofMillis(500), HaConfig.DEFAULTS.health().probeTimeout());
        String yaml = BASE.formatted("""
                    health: { processDeadGrace: 0 }
                """) + """
                health: { interval: 100ms, probeTimeout: 300ms }
                """;
        HaConfig ha = ClusterConfigLoader.load(ConfigFixtures.cluster(dir, yaml)).ha();
        assertEquals(Duration.ofMillis(150), ha.health("p2").processDeadGrace(), "follows the interval given");
        assertEquals(Duration.ofMillis(300), ha.health("p2").probeTimeout());
        assertFalse(ha.health("p1").fastPath(), "0 turns the fast path off");
        assertEquals(Duration.ofMillis(300), ha.health("p1").probeTimeout(), "the rest from the cluster's block");
    }

    @Test
    void detectionFigures_graceNotLongerThanTheInterval_reportedWithItsKey() throws Exception {
        Path f = ConfigFixtures.cluster(dir, BASE.formatted("") + """
                health: { interval: 250ms, processDeadGrace: 200ms, probeTimeout: 0 }
                """);
        ConfigException e = ConfigFixtures.failsToLoad(f);
        ConfigFixtures.assertProblemLike(e, f, "health.processDeadGrace", "longer than the interval");
        ConfigFixtures.assertProblemLike(e, f, "health.probeTimeout", "longer than zero");
    }
    @Test
    void startupGrace_defaultTwoMinutes_zeroTurnsItOff_perPrimaryOverride_badValueNamed() throws Exception {
        assertEquals(Duration.ofSeconds(120), HaConfig.DEFAULTS.health().startupGrace());
        String yaml = BASE.formatted("""
                    health: { startupGrace: 0 }
                """) + """
                health: { startupGrace: 5m }
                """;
        HaConfig ha = ClusterConfigLoader.load(ConfigFixtures.cluster(dir, yaml)).ha();
        assertEquals(Duration.ZERO, ha.health("p1").startupGrace(), "0 turns it off");
        assertEquals(Duration.ofMinutes(5), ha.health("p2").startupGrace(), "the cluster's block");

        Path f = ConfigFixtures.cluster(dir, BASE.formatted("") + """
                health: { startupGrace: soon }
                """);
        ConfigFixtures.assertProblemLike(ConfigFixtures.failsToLoad(f), f, "health.startupGrace", "is not a duration");
    }
}
