package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.understudy.config.ConfigFixtures.assertProblem;
import static org.understudy.config.ConfigFixtures.assertProblemLike;
import static org.understudy.config.ConfigFixtures.cluster;
import static org.understudy.config.ConfigFixtures.failsToLoad;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigLoaderTest {
    @TempDir
    Path dir;

    private static final String MINIMAL = """
            cluster: { name: demo }
            standby: { name: standby, address: 127.0.2.1 }
            primaries:
              - name: p1
                address: 127.0.1.1
                admin: { address: 127.0.1.1 }
                volumes:
                  - { name: vol0, file: data/vol0.img, size: 64MiB }
            """;

    private Path withPrimaryVolume(String volume) throws Exception {
        return cluster(dir, """
                cluster: { name: demo }
                standby: { name: standby, address: 127.0.2.1 }
                primaries:
                  - name: p1
                    address: 127.0.1.1
                    admin: { address: 127.0.1.1 }
                    volumes:
                      - %s
                """.formatted(volume));
    }

    @Test
    void load_minimalFile_appliesEveryDefault() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(cluster(dir, MINIMAL));
        Path d = dir.toAbsolutePath().normalize();
        assertEquals(d.resolve("cluster.yaml"), c.file());
        assertEquals("demo", c.name());
        StandbyConfig s = c.standby();
        assertEquals("standby", s.name());
        assertEquals(new Endpoint("127.0.2.1", 7700), s.replication());
        assertEquals(new Endpoint("127.0.0.1", 7800), s.admin());
        assertEquals(d.resolve("state/standby"), s.stateDir());
        PrimaryConfig p = c.primaries().get(0);
        assertEquals(10809, p.nbdPort());
        assertEquals(new Endpoint("127.0.1.1", 7800), p.admin());
        assertEquals(d.resolve("state/p1"), p.stateDir());
        VolumeConfig v = p.volumes().get(0);
        assertEquals(new VolumeConfig("vol0", d.resolve("data/vol0.img"), 64L << 20, MirrorMode.SYNC), v);
        assertEquals(d.resolve("secrets.yaml"), c.secrets().file());
        assertArrayEquals(Base64.getDecoder().decode(ConfigFixtures.KEY), c.secrets().clusterKey());
        assertEquals(ConfigFixtures.TOKEN, c.secrets().adminToken());
        assertEquals(p, c.node("p1").orElseThrow());
    }

    @Test
    void load_everyKeySet_readsThem() throws Exception {
        ConfigFixtures.secrets(dir, "keys.yaml", "clusterKey: " + ConfigFixtures.KEY + "\nadminToken: " + ConfigFixtures.TOKEN);
        ClusterConfig c = ClusterConfigLoader.load(cluster(dir, """
                cluster: { name: c1, secrets: keys.yaml }
                standby:
                  name: sb
                  address: 127.0.2.1
                  replication: { address: 127.0.3.1, port: 9000 }
                  admin: { address: 127.0.2.1, port: 9001 }
                  stateDir: /var/tmp/sb
                primaries:
                  - name: p1
                    address: 127.0.1.1
                    nbdPort: 10900
                    admin: { address: 127.0.1.1, port: 9002 }
                    stateDir: st/p1
                    volumes:
                      - { name: a, file: /dev/vdb, size: 1G, mode: async }
                      - { name: b, file: b.img, size: 8192, mode: SYNC }
                """));
        assertEquals(dir.toAbsolutePath().normalize().resolve("keys.yaml"), c.secrets().file());
        assertEquals(new Endpoint("127.0.3.1", 9000), c.standby().replication());
        assertEquals(Path.of("/var/tmp/sb"), c.standby().stateDir());
        PrimaryConfig p = c.primary("p1").orElseThrow();
        assertEquals(10900, p.nbdPort());
        assertEquals(new VolumeConfig("a", Path.of("/dev/vdb"), 1L << 30, MirrorMode.ASYNC), p.volumes().get(0));
        assertEquals(8192, p.volumes().get(1).size());
    }

    @Test
    void nbdMaxConnections_defaultOrSet_andBadValuesNamed() throws Exception {
        String base = """
                cluster: { name: demo }
                standby: { name: standby, address: 127.0.2.1 }
                primaries:
                  - { name: p1, address: 127.0.1.1, admin: { address: 127.0.1.1 }, %s volumes: [ { name: v, file: v.img, size: 1MiB } ] }
                """;
        assertEquals(256, ClusterConfigLoader.load(ConfigFixtures.cluster(dir, base.formatted(""))).primaries().get(0)
                .nbdMaxConnections());
        assertEquals(32, ClusterConfigLoader.load(ConfigFixtures.cluster(dir, base.formatted("nbdMaxConnections: 32,")))
                .primaries().get(0).nbdMaxConnections());
        Path bad = ConfigFixtures.cluster(dir, base.formatted("nbdMaxConnections: 0,"));
        assertProblemLike(failsToLoad(bad), bad, "primaries[0].nbdMaxConnections", "from 1 to 65536");
    }

    @Test
    void load_missingSecretsFile_namesTheKeyAndThePath() throws Exception {
        // regression: a missing secrets file said neither its path nor the cluster file's secrets key
        Path f = ConfigFixtures.cluster(dir, """
                cluster: { name: demo, secrets: keys/gone.yaml }
                standby: { name: standby, address: 127.0.2.1 }
                primaries:
                  - { name: p1, address: 127.0.1.1, admin: { address: 127.0.1.1 }, volumes: [ { name: v, file: v.img, size: 1MiB } ] }
                """);
        assertProblemLike(failsToLoad(f), f, "cluster.secrets", dir.resolve("keys/gone.yaml").toAbsolutePath()
                .normalize() + ", which does not exist");
    }

    @Test
    void load_missingFile_namesFile() {
        Path f = dir.resolve("nope.yaml");
        assertProblem(failsToLoad(f), f, "file: does not exist");
    }

    @Test
    void load_unreadableFile_namesFile() throws Exception {
        Path f = cluster(dir, MINIMAL);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(f), "running as root: every file is readable");
        assertProblem(failsToLoad(f), f, "file: cannot be read (permission denied)");
    }

    @Test
    void load_yamlSyntaxError_givesLineAndColumn() throws Exception {
        Path f = cluster(dir, "cluster:\n  name: demo\n standby: [unclosed\n");
        assertProblemLike(failsToLoad(f), f, "yaml", "syntax error at line 3, column");
    }

    @Test
    void load_emptyFile_isAnError() throws Exception {
        Path f = cluster(dir, "# nothing\n");
        assertProblem(failsToLoad(f), f, "file: is empty");
    }

    @Test
    void load_unknownKey_isAnError() throws Exception {
        Path f = cluster(dir, MINIMAL.replace("address: 127.0.2.1 }", "address: 127.0.2.1, statedir: x }"));
        assertProblemLike(failsToLoad(f), f, "standby.statedir", "unknown key (expected one of address, admin");
    }

    @Test
    void load_badSize_saysHowToWriteOne() throws Exception {
        Path f = withPrimaryVolume("{ name: v, file: v.img, size: 12XB }");
        assertProblem(failsToLoad(f), f,
                "primaries[0].volumes[0].size: \"12XB\" is not a size (use bytes or a KiB/MiB/GiB/TiB suffix)");
    }

    @Test
    void load_sizeNotMultipleOf4096_isAnError() throws Exception {
        Path f = withPrimaryVolume("{ name: v, file: v.img, size: 1000 }");
        assertProblem(failsToLoad(f), f, "primaries[0].volumes[0].size: 1000 bytes is not a positive multiple of 4096");
        Path g = withPrimaryVolume("{ name: v, file: v.img, size: 0 }");
        assertProblemLike(failsToLoad(g), g, "primaries[0].volumes[0].size", "not a positive multiple of 4096");
    }

    @Test
    void load_badName_isAnError() throws Exception {
        Path f = cluster(dir, MINIMAL.replace("name: demo", "name: Demo!"));
        assertProblemLike(failsToLoad(f), f, "cluster.name", "\"Demo!\" is not a valid name");
    }

    @Test
    void load_duplicateNodeName_isAnError() throws Exception {
        Path f = cluster(dir, MINIMAL.replace("name: p1", "name: standby"));
        assertProblem(failsToLoad(f), f, "primaries[0].name: \"standby\" is already the name of standby");
    }

    @Test
    void load_duplicateVolumeName_isAnError() throws Exception {
        Path f = withPrimaryVolume("{ name: v, file: a.img, size: 4KiB }\n      - { name: v, file: b.img, size: 4K }");
        assertProblem(failsToLoad(f), f, "primaries[0].volumes[1].name: \"v\" is already the name of primaries[0].volumes[0]");
    }

    @Test
    void load_badAddress_isAnError() throws Exception {
        Path f = cluster(dir, MINIMAL.replace("address: 127.0.2.1", "address: 127.0.2.300"));
        assertProblem(failsToLoad(f), f, "standby.address: \"127.0.2.300\" is not an IP address or a resolvable host name");
        Path g = cluster(dir, MINIMAL.replace("address: 127.0.2.1", "address: not an address"));
        assertProblemLike(failsToLoad(g), g, "standby.address", "is not an IP address");
    }

    @Test
    void load_badPort_isAnError() throws Exception {
        Path f = cluster(dir, MINIMAL.replace("admin: { address: 127.0.1.1 }", "admin: { address: 127.0.1.1, port: 70000 }"));
        assertProblem(failsToLoad(f), f, "primaries[0].admin.port: \"70000\" is not a port (use 1-65535)");
        Path g = cluster(dir, MINIMAL.replace("address: 127.0.1.1\n", "address: 127.0.1.1\n    nbdPort: http\n"));
        assertProblem(failsToLoad(g), g, "primaries[0].nbdPort: \"http\" is not a port (use 1-65535)");
    }

    @Test
    void load_twoListenersOnOneAddressAndPort_isAnError() throws Exception {
        // the standby's admin API would collide with its own replication listener
        Path f = cluster(dir, MINIMAL.replace("{ name: standby, address: 127.0.2.1 }",
                "{ name: standby, address: 127.0.2.1, admin: { address: 127.0.2.1, port: 7700 } }"));
        assertProblemLike(failsToLoad(f), f, "standby.admin", "127.0.2.1:7700 is also used by standby.replication");
    }

    @Test
    void load_twoPrimariesOnOneNbdEndpoint_isAnError() throws Exception {
        Path f = cluster(dir, MINIMAL + """
                  - name: p2
                    address: 127.0.1.1
                    admin: { address: 127.0.1.2 }
                    volumes: [ { name: v, file: v.img, size: 4096 } ]
                """);
        assertProblemLike(failsToLoad(f), f, "primaries[1].nbdPort", "127.0.1.1:10809 is also used by primaries[0].nbdPort");
    }

    @Test
    void load_noPrimary_isAnError() throws Exception {
        Path f = cluster(dir, "cluster: { name: demo }\nstandby: { name: s, address: 127.0.2.1 }\nprimaries: []\n");
        assertProblemLike(failsToLoad(f), f, "primaries", "at least one primary");
    }

    @Test
    void load_standbyMissingOrList_isAnError() throws Exception {
        Path f = cluster(dir, MINIMAL.replace("standby: { name: standby, address: 127.0.2.1 }\n", ""));
        assertProblem(failsToLoad(f), f, "standby: is missing");
        Path g = cluster(dir, MINIMAL.replace("standby: { name: standby, address: 127.0.2.1 }",
                "standby: [ { name: s1, address: 127.0.2.1 }, { name: s2, address: 127.0.2.2 } ]"));
        assertProblemLike(failsToLoad(g), g, "standby", "exactly one standby");
    }

    @Test
    void load_badMode_isAnError() throws Exception {
        Path f = withPrimaryVolume("{ name: v, file: v.img, size: 4096, mode: semi }");
        assertProblem(failsToLoad(f), f, "primaries[0].volumes[0].mode: \"semi\" is not a mirror mode (use sync or async)");
    }

    @Test
    void load_missingRequiredKey_isAnError() throws Exception {
        Path f = withPrimaryVolume("{ name: v, size: 4096 }");
        assertProblem(failsToLoad(f), f, "primaries[0].volumes[0].file: is missing");
    }

    @Test
    void load_severalProblems_reportsAllAtOnce() throws Exception {
        Path f = cluster(dir, """
                cluster: { name: demo, colour: blue }
                standby: { name: standby, address: 127.0.2.1, replication: { port: 0 } }
                primaries:
                  - name: p1
                    address: 127.0.1.1
                    admin: { address: 127.0.1.1 }
                    volumes:
                      - { name: vol0, file: a.img, size: 64MiB, mode: fast }
                  - name: P-2!
                    address: 127.0.1.2
                    admin: { address: 127.0.1.2 }
                    volumes:
                      - { name: vol0, file: b.img, size: 12XB }
                """);
        ConfigException e = failsToLoad(f);
        assertProblemLike(e, f, "cluster.colour", "unknown key");
        assertProblemLike(e, f, "standby.replication.port", "is not a port");
        assertProblemLike(e, f, "primaries[0].volumes[0].mode", "not a mirror mode");
        assertProblemLike(e, f, "primaries[1].name", "not a valid name");
        assertProblemLike(e, f, "primaries[1].volumes[0].size", "is not a size");
        assertEquals(5, e.problems().size(), () -> e.problems().toString());
        assertTrue(e.getMessage().contains("; "), "all problems are in the message");
    }

    @Test
    void load_secretsProblem_namesTheSecretsFile() throws Exception {
        Path f = cluster(dir, MINIMAL);
        Path s = ConfigFixtures.secrets(dir, "secrets.yaml", "clusterKey: " + ConfigFixtures.KEY + "\nadminToken: short\n");
        assertProblem(failsToLoad(f), s, "adminToken: is 5 characters; use at least 16");
    }

    @Test
    void parseSize_acceptsBytesAndBinarySuffixes() {
        assertEquals(4096, TreeReader.parseSize("4096"));
        assertEquals(4096, TreeReader.parseSize("4K"));
        assertEquals(4096, TreeReader.parseSize("4KiB"));
        assertEquals(3L << 20, TreeReader.parseSize("3 MiB"));
        assertEquals(2L << 30, TreeReader.parseSize("2g"));
        assertEquals(1L << 40, TreeReader.parseSize("1TiB"));
        assertEquals(-1, TreeReader.parseSize("1.5G"));
        assertEquals(-1, TreeReader.parseSize("-4096"));
        assertEquals(-1, TreeReader.parseSize("99999999999999T"), "overflow");
    }
}
