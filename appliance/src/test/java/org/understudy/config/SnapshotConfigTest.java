package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotConfigTest {
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
    void noBlock_defaults() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(ConfigFixtures.cluster(dir, BASE.formatted("")));
        assertEquals(SnapshotConfig.DEFAULTS, c.snapshots());
        assertEquals(10809, c.snapshots().port());
        assertEquals(List.of(), c.snapshots().policy("p1").schedules());
    }

    @Test
    void clusterBlockAndPrimaryOverride_parsed() throws Exception {
        String yaml = BASE.formatted("""
                    snapshots: { spaceLimit: 2GiB, schedules: [ { every: 1d, keep: 7, name: daily } ] }
                """) + """
                snapshots:
                  chunkSize: 16KiB
                  port: 10900
                  spaceLimit: 1GiB
                  preResync: false
                  keepAfterResync: 2h
                  schedules: [ { every: 1h, keep: 24 }, { every: 15m, keep: 4 } ]
                """;
        ClusterConfig c = ClusterConfigLoader.load(ConfigFixtures.cluster(dir, yaml));
        SnapshotConfig s = c.snapshots();
        assertEquals(16384, s.chunkSize());
        assertEquals(10900, s.port());
        SnapshotConfig.Policy p2 = s.policy("p2");
        assertEquals(1L << 30, p2.spaceLimit());
        assertEquals(false, p2.preResync());
        assertEquals(Duration.ofHours(2), p2.keepAfterResync());
        assertEquals(List.of(new SnapshotConfig.Schedule("every-1h", Duration.ofHours(1), 24),
                new SnapshotConfig.Schedule("every-15m", Duration.ofMinutes(15), 4)), p2.schedules());
        SnapshotConfig.Policy p1 = s.policy("p1");
        assertEquals(2L << 30, p1.spaceLimit());
        assertEquals(false, p1.preResync(), "inherited from the cluster's block");
        assertEquals(List.of(new SnapshotConfig.Schedule("daily", Duration.ofDays(1), 7)), p1.schedules());
    }

    @Test
    void badValues_eachNamedWithItsKey() throws Exception {
        String yaml = BASE.formatted("""
                    snapshots: { schedules: [ { every: 1h, keep: 2, name: a }, { every: 2h, keep: 1, name: a } ] }
                """) + """
                snapshots:
                  chunkSize: 3000
                  keepAfterResync: soon
                  flavour: vanilla
                  schedules: [ { every: 0h, keep: 24 }, { every: 1h, keep: 0 } ]
                """;
        Path file = ConfigFixtures.cluster(dir, yaml);
        ConfigException e = ConfigFixtures.failsToLoad(file);
        ConfigFixtures.assertProblemLike(e, file, "snapshots.chunkSize", "power of two");
        ConfigFixtures.assertProblemLike(e, file, "snapshots.keepAfterResync", "not a duration");
        ConfigFixtures.assertProblemLike(e, file, "snapshots.flavour", "unknown key");
        ConfigFixtures.assertProblemLike(e, file, "snapshots.schedules[0].every", "longer than zero");
        ConfigFixtures.assertProblemLike(e, file, "snapshots.schedules[1].keep", "whole number");
        ConfigFixtures.assertProblemLike(e, file, "primaries[0].snapshots.schedules[1].name", "names two schedules");
    }

    @Test
    void snapshotPort_collidingWithAnotherListenerOfTheStandby_isAProblem() throws Exception {
        String yaml = BASE.formatted("") + "snapshots: { port: 7700 }\n";
        Path file = ConfigFixtures.cluster(dir, yaml);
        ConfigFixtures.assertProblemLike(ConfigFixtures.failsToLoad(file), file, "snapshots.port", "also used by");
    }
}
