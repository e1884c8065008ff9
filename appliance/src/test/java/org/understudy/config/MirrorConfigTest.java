package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.understudy.config.ConfigFixtures.assertProblemLike;
import static org.understudy.config.ConfigFixtures.cluster;
import static org.understudy.config.ConfigFixtures.failsToLoad;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code mirror:} block, its per-volume overrides, {@code replicationTarget} and rate parsing. */
class MirrorConfigTest {
    @TempDir
    Path dir;

    private Path file(String mirror, String volumeExtra, String primaryExtra) throws Exception {
        return cluster(dir, """
                cluster: { name: demo }
                %s
                standby: { name: standby, address: 127.0.2.1 }
                primaries:
                  - name: p1
                    address: 127.0.1.1
                    admin: { address: 127.0.1.1 }
                    %s
                    volumes:
                      - { name: vol0, file: data/vol0.img, size: 64MiB %s }
                      - { name: vol1, file: data/vol1.img, size: 64MiB }
                """.formatted(mirror, primaryExtra, volumeExtra));
    }

    @Test
    void noMirrorBlock_defaults_andNoReplicationTarget() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(file("", "", ""));
        assertEquals(MirrorSettings.DEFAULTS, c.mirror());
        assertEquals(MirrorSettings.DEFAULTS, c.primaries().get(0).volumes().get(0).mirror());
        assertNull(c.primaries().get(0).replicationTarget());
    }

    @Test
    void clusterBlock_inheritedByVolumes_volumeOverridesWin() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(file("""
                mirror:
                  regionSize: 128KiB
                  async: { highWater: 8MiB, hardLimit: 16MiB }
                  throttle: { mirror: 20MB/s, resync: off }
                  readBlocker: true
                """, ", mirror: { readBlocker: false, async: { hardLimit: 32MiB } }",
                "replicationTarget: { address: 127.0.0.1, port: 17700 }"));
        MirrorSettings cm = c.mirror();
        assertEquals(new MirrorSettings(128 << 10, 8L << 20, 16L << 20, 20_000_000L, 0, true), cm);
        PrimaryConfig p = c.primaries().get(0);
        assertEquals(new MirrorSettings(128 << 10, 8L << 20, 32L << 20, 20_000_000L, 0, false), p.volumes().get(0).mirror());
        assertEquals(cm, p.volumes().get(1).mirror());
        assertEquals(new Endpoint("127.0.0.1", 17700), p.replicationTarget());
    }

    @Test
    void badValues_reportedWithTheirKeys() throws Exception {
        Path f = file("""
                mirror:
                  regionSize: 3000
                  async: { highWater: 16MiB, hardLimit: 8MiB }
                  throttle: { mirror: fast }
                  readBlocker: maybe
                  speed: 1
                """, ", mirror: { throttle: { mirror: 1MB/s } }", "replicationTarget: { address: 127.0.0.1, port: 0 }");
        ConfigException e = failsToLoad(f);
        assertProblemLike(e, f, "mirror.regionSize", "power of two");
        assertProblemLike(e, f, "mirror.async", "at most hardLimit");
        assertProblemLike(e, f, "mirror.throttle.mirror", "not a rate");
        assertProblemLike(e, f, "mirror.readBlocker", "true or false");
        assertProblemLike(e, f, "mirror.speed", "unknown key");
        assertProblemLike(e, f, "primaries[0].volumes[0].mirror.throttle", "unknown key");
        assertProblemLike(e, f, "primaries[0].replicationTarget.port", "not a port");
    }

    @Test
    void mirrorCapBelowTheSyncFloor_isAProblemUnlessForced() throws Exception {
        Path low = file("mirror: { throttle: { mirror: 500kB/s } }", "", "");
        assertProblemLike(failsToLoad(low), low, "mirror.throttle.mirror", "below the 1 MB/s floor for sync-mode "
                + "volumes (p1/vol0, p1/vol1)");
        ClusterConfig forced = ClusterConfigLoader.load(file("mirror: { throttle: { mirror: 500kB/s, force: true } }",
                "", ""));
        assertEquals(500_000L, forced.mirror().mirrorRate());
        Path ambiguous = file("mirror: { throttle: { resync: 8mbps } }", "", "");
        assertProblemLike(failsToLoad(ambiguous), ambiguous, "mirror.throttle.resync", "ambiguous");
    }

    @Test
    void rates_parseDecimalBinaryAndOff() {
        assertEquals(20_000_000L, Rates.parse("20MB/s"));
        assertEquals(20L << 20, Rates.parse("20MiB/s"));
        // a bare number and a bare prefix are ambiguous since issue 10 (RatesTest): refused, offering both readings
        assertThrows(IllegalArgumentException.class, () -> Rates.parse("20M"));
        assertThrows(IllegalArgumentException.class, () -> Rates.parse("1500"));
        assertEquals(1500, Rates.parse("1500B/s"));
        assertEquals(0, Rates.parse("off"));
        assertEquals(0, Rates.parse("0"));
        assertEquals(500_000L, Rates.parse("500kB/s"));
        assertThrows(IllegalArgumentException.class, () -> Rates.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> Rates.parse("fast"));
        assertEquals("20 MB/s", Rates.format(20_000_000L));
        assertEquals("unlimited", Rates.format(0));
    }
}
