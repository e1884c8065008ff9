package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.understudy.config.ConfigFixtures.KEY;
import static org.understudy.config.ConfigFixtures.TOKEN;
import static org.understudy.config.ConfigFixtures.assertProblem;
import static org.understudy.config.ConfigFixtures.assertProblemLike;
import static org.understudy.config.ConfigFixtures.cluster;
import static org.understudy.config.ConfigFixtures.failsToLoad;
import static org.understudy.config.ConfigFixtures.secrets;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SNMP keys of the cluster file (agents, receivers) and of the secrets file (users, community). */
class SnmpConfigTest {
    @TempDir
    Path dir;

    private static final String USERS = "snmp:\n  community: ro-community-1\n  users:\n"
            + "    - { name: ops, access: operator, authPassword: auth-pass-1, privPassword: priv-pass-1 }\n"
            + "    - { name: monitor, authPassword: auth-pass-2, privPassword: priv-pass-2 }\n";

    private Path clusterWith(String clusterSnmp, String standbySnmp, String primarySnmp) throws Exception {
        Path f = cluster(dir, """
                cluster:
                  name: demo
                %s
                standby:
                  name: standby
                  address: 127.0.2.1
                %s
                primaries:
                  - name: p1
                    address: 127.0.1.1
                    admin: { address: 127.0.1.1 }
                %s
                    volumes:
                      - { name: vol0, file: data/vol0.img, size: 64MiB }
                """.formatted(clusterSnmp, standbySnmp, primarySnmp));
        secrets(dir, "secrets.yaml", "clusterKey: " + KEY + "\nadminToken: " + TOKEN + "\n" + USERS);
        return f;
    }

    @Test
    void agentsReceiversAndUsers_load() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(clusterWith("""
                  snmp:
                    notify:
                      - { address: 127.0.0.1, port: 16162, version: v2c, community: traps }
                      - { address: 127.0.0.1, port: 16163, user: ops, type: inform, retries: 2, timeoutMs: 900 }
                """, "  snmp: { port: 16161 }", "    snmp: { address: 127.0.1.1, port: 16161 }"));
        assertEquals(new Endpoint("127.0.2.1", 16161), c.snmp().agent("standby").orElseThrow());
        assertEquals(new Endpoint("127.0.1.1", 16161), c.snmp().agent("p1").orElseThrow());
        assertEquals(List.of(new SnmpTarget("127.0.0.1", 16162, SnmpTarget.Version.V2C, "traps", null, false, 3, 1500),
                new SnmpTarget("127.0.0.1", 16163, SnmpTarget.Version.V3, null, "ops", true, 2, 900)), c.snmp().targets());
        SnmpSecrets s = c.secrets().snmp();
        assertEquals("ro-community-1", s.community());
        assertTrue(s.user("ops").orElseThrow().operator());
        assertEquals(false, s.user("monitor").orElseThrow().operator(), "read-only is the default");
        assertTrue(!s.toString().contains("pass") && !s.user("ops").orElseThrow().toString().contains("pass"));
    }

    @Test
    void withoutSnmpKeys_noAgentsNoUsers() throws Exception {
        Path f = clusterWith("", "", "");
        ConfigFixtures.validSecrets(dir);
        ClusterConfig c = ClusterConfigLoader.load(f);
        assertTrue(c.snmp().agents().isEmpty() && c.snmp().targets().isEmpty());
        assertTrue(c.secrets().snmp().users().isEmpty());
        assertNull(c.secrets().snmp().community());
    }

    @Test
    void badClusterKeys_areNamed() throws Exception {
        Path f = clusterWith("""
                  snmp:
                    notify:
                      - { address: 127.0.0.1, version: v2c }
                      - { address: 127.0.0.1, version: v4, type: shout }
                      - { address: 127.0.0.1, user: ops, retries: 99, colour: red }
                """, "  snmp: { address: 127.0.2.1, port: 99999 }", "    snmp: { addr: 127.0.1.1 }");
        ConfigException e = failsToLoad(f);
        assertProblemLike(e, f, "cluster.snmp.notify[0].community", "is missing");
        assertProblemLike(e, f, "cluster.snmp.notify[1].version", "v2c or v3");
        assertProblemLike(e, f, "cluster.snmp.notify[1].type", "trap or inform");
        assertProblemLike(e, f, "cluster.snmp.notify[2].retries", "from 0 to 10");
        assertProblemLike(e, f, "cluster.snmp.notify[2].colour", "unknown key");
        assertProblemLike(e, f, "standby.snmp.port", "not a port");
        assertProblemLike(e, f, "primaries[0].snmp.addr", "unknown key");
    }

    @Test
    void twoAgentsOnOneUdpPort_andUnknownV3User_areRefused() throws Exception {
        Path f = clusterWith("  snmp: { notify: [ { address: 127.0.0.1, user: nobody } ] }",
                "  snmp: { address: 127.0.0.9, port: 16161 }", "    snmp: { address: 127.0.0.9, port: 16161 }");
        ConfigException e = failsToLoad(f);
        assertProblemLike(e, f, "primaries[0].snmp", "also used by standby.snmp");
        Path ok = clusterWith("  snmp: { notify: [ { address: 127.0.0.1, user: nobody } ] }", "", "");
        ConfigException u = failsToLoad(ok);
        assertProblem(u, ok, "cluster.snmp.notify[0].user: \"nobody\" is not an SNMP user of the secrets file (snmp.users)");
    }

    @Test
    void badSecrets_areNamed() throws Exception {
        Path f = secrets(dir, "s.yaml", "clusterKey: " + KEY + "\nadminToken: " + TOKEN + "\nsnmp:\n  community: abc\n  users:\n"
                + "    - { name: ops, access: root, authPassword: short, privPassword: CHANGE-ME }\n"
                + "    - { name: Bad Name, authPassword: auth-pass-1 }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SecretsLoader.load(f));
        assertProblemLike(e, f, "snmp.community", "at least 8");
        assertProblemLike(e, f, "snmp.users[0].access", "read-only or operator");
        assertProblemLike(e, f, "snmp.users[0].authPassword", "at least 8");
        assertProblemLike(e, f, "snmp.users[0].privPassword", "placeholder");
        assertProblemLike(e, f, "snmp.users[1].name", "not a valid name");
        assertProblemLike(e, f, "snmp.users[1].privPassword", "is missing");
    }

    @Test
    void generatedSecrets_haveAnOperatorAndAReadOnlyUser() throws Exception {
        Path f = dir.resolve("generated.yaml");
        new SecretsGenerator().write(f);
        SnmpSecrets s = SecretsLoader.load(f).snmp();
        assertTrue(s.user(SecretsGenerator.SNMP_OPERATOR).orElseThrow().operator());
        assertTrue(!s.user(SecretsGenerator.SNMP_MONITOR).orElseThrow().operator());
        assertNull(s.community(), "v2c stays off unless configured");
    }
}
