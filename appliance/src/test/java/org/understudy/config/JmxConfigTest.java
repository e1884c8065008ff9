package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.understudy.config.ConfigFixtures.assertProblem;
import static org.understudy.config.ConfigFixtures.assertProblemLike;
import static org.understudy.config.ConfigFixtures.failsToLoad;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code jmx:} blocks of the cluster file and the secrets file. */
class JmxConfigTest {
    private static final String USERS = """
            jmx:
              users:
                - { name: watcher, password: watcher-password-1, role: monitor }
                - { name: ops, password: operator-password-1, role: Operator }
            """;

    @TempDir
    Path dir;

    private Path write(String clusterYaml, String secretsJmx) throws Exception {
        ConfigFixtures.secrets(dir, "secrets.yaml",
                "clusterKey: " + ConfigFixtures.KEY + "\nadminToken: " + ConfigFixtures.TOKEN + "\n" + secretsJmx);
        Path f = dir.resolve("cluster.yaml");
        Files.writeString(f, clusterYaml);
        return f;
    }

    private static String cluster(String standbyJmx, String primaryJmx) {
        return """
                cluster: { name: demo }
                standby: { name: standby, address: 127.0.2.1%s }
                primaries:
                  - name: p1
                    address: 127.0.1.1
                    admin: { address: 127.0.1.1 }
                    volumes:
                      - { name: vol0, file: data/vol0.img, size: 64MiB }
                %s
                """.formatted(standbyJmx, primaryJmx);
    }

    @Test
    void load_jmxBlocks_defaultsToNodeAddressAndPort17199() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(write(cluster(", jmx: {}", "    jmx: { port: 17200 }"), USERS));
        assertEquals(new Endpoint("127.0.2.1", 17199), c.standby().jmx().endpoint());
        assertNull(c.standby().jmx().tls());
        assertEquals(new Endpoint("127.0.1.1", 17200), c.primaries().get(0).jmx().endpoint());
        assertEquals("service:jmx:rmi://127.0.2.1:17199/jndi/rmi://127.0.2.1:17199/jmxrmi", c.standby().jmx().serviceUrl());
        JmxSecrets s = c.secrets().jmx();
        assertEquals(List.of("watcher", "ops"), s.users().stream().map(JmxUser::name).toList());
        assertEquals(JmxUser.Role.MONITOR, s.user("watcher").orElseThrow().role());
        assertEquals(JmxUser.Role.OPERATOR, s.user("ops").orElseThrow().role());
        assertEquals("operator-password-1", s.user("ops").orElseThrow().password());
        assertTrue(!s.users().toString().contains("password-1"), "toString must not show passwords");
    }

    @Test
    void demoLayout_withGeneratedSecrets_givesEveryNodeAConnectorAndBothLogins() throws Exception {
        org.understudy.demo.DemoLayout layout = new org.understudy.demo.DemoLayout(dir, 2, 1 << 20, 0);
        new SecretsGenerator().write(layout.secretsFile());
        Files.writeString(layout.configFile(), layout.clusterYaml());
        ClusterConfig c = ClusterConfigLoader.load(layout.configFile());
        assertEquals(new Endpoint("127.0.2.1", 17199), c.standby().jmx().endpoint());
        assertEquals(new Endpoint("127.0.1.2", 17199), c.primary("p2").orElseThrow().jmx().endpoint());
        assertEquals(List.of("monitor", "operator"), c.secrets().jmx().users().stream().map(JmxUser::name).toList());
    }

    @Test
    void load_noJmxBlock_noConnectorAndNoUsersNeeded() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(write(cluster("", ""), ""));
        assertNull(c.standby().jmx());
        assertNull(c.primaries().get(0).jmx());
        assertEquals(JmxSecrets.NONE, c.secrets().jmx());
    }

    @Test
    void load_tls_readsStoresRelativeToClusterFile() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(write(cluster(
                ", jmx: { address: 127.0.2.1, port: 17199, tls: { keyStore: tls/standby.p12, trustStore: tls/ca.p12, clientAuth: true } }",
                ""), USERS + "  keyStorePassword: store-password\n"));
        JmxConfig.Tls tls = c.standby().jmx().tls();
        Path d = dir.toAbsolutePath().normalize();
        assertEquals(new JmxConfig.Tls(d.resolve("tls/standby.p12"), "PKCS12", d.resolve("tls/ca.p12"), true), tls);
        assertEquals("store-password", c.secrets().jmx().keyStorePassword());
    }

    @Test
    void load_connectorWithoutUsers_namesSecretsFileAndKey() throws Exception {
        write(cluster(", jmx: {}", ""), "");
        ConfigException e = failsToLoad(dir.resolve("cluster.yaml"));
        assertProblemLike(e, dir.resolve("secrets.yaml"), "jmx.users", "node(s) standby run a JMX connector");
    }

    @Test
    void load_tlsWithoutStorePassword_isAnError() throws Exception {
        write(cluster(", jmx: { tls: { keyStore: k.p12 } }", ""), USERS);
        assertProblemLike(failsToLoad(dir.resolve("cluster.yaml")), dir.resolve("secrets.yaml"), "jmx.keyStorePassword", "is missing");
    }

    @Test
    void load_badJmxBlock_everyProblemNamed() throws Exception {
        Path f = write(cluster(", jmx: { port: 99999, adress: x, tls: { clientAuth: maybe } }", "    jmx: [1]"), USERS);
        ConfigException e = failsToLoad(f);
        assertProblem(e, f, "standby.jmx.port: \"99999\" is not a port (use 1-65535)");
        assertProblemLike(e, f, "standby.jmx.adress", "unknown key (expected one of address, port, tls)");
        assertProblem(e, f, "standby.jmx.tls.keyStore: is missing");
        assertProblem(e, f, "standby.jmx.tls.clientAuth: \"maybe\" is not true or false");
        assertProblemLike(e, f, "primaries[0].jmx", "must be a mapping");
    }

    @Test
    void load_jmxPortCollidesWithAnotherListener_isAnError() throws Exception {
        Path f = write(cluster(", jmx: { port: 7700 }", ""), USERS);
        assertProblemLike(failsToLoad(f), f, "standby.jmx", "127.0.2.1:7700 is also used by standby.replication");
    }

    @Test
    void loadSecrets_badUsers_everyProblemNamed() throws Exception {
        Path f = ConfigFixtures.secrets(dir, "s.yaml", "clusterKey: " + ConfigFixtures.KEY + "\nadminToken: " + ConfigFixtures.TOKEN + """

                jmx:
                  users:
                    - { name: a, password: short, role: monitor }
                    - { name: b, password: CHANGE-ME, role: admin }
                    - { name: a, password: long-enough-pass, role: operator, extra: 1 }
                    - { name: c, role: monitor }
                  keyStorePasword: x
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> SecretsLoader.load(f));
        assertProblem(e, f, "jmx.users[0].password: is 5 characters; use at least 12");
        assertProblemLike(e, f, "jmx.users[1].password", "placeholder");
        assertProblem(e, f, "jmx.users[1].role: \"admin\" is not a JMX role (use monitor or operator)");
        assertProblem(e, f, "jmx.users[2].name: \"a\" is listed twice");
        assertProblemLike(e, f, "jmx.users[2].extra", "unknown key");
        assertProblem(e, f, "jmx.users[3].password: is missing");
        assertProblemLike(e, f, "jmx.keyStorePasword", "unknown key");
    }
}
