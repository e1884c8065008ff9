package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.understudy.config.ConfigFixtures.assertProblem;
import static org.understudy.config.ConfigFixtures.assertProblemLike;
import static org.understudy.config.ConfigFixtures.failsToLoad;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code web:} blocks of the cluster file and the secrets file. */
class WebConfigTest {
    /** Fewest rounds allowed: keeps these tests fast. */
    private static final int ROUNDS = PasswordHash.MIN_ITERATIONS;
    private static final String HASH = PasswordHash.create("alice-password".toCharArray(), new SecureRandom(), ROUNDS).encoded();
    private static final String USERS = """
            web:
              metricsToken: scrape-token-0123456789
              users:
                - { name: alice, passwordHash: '%s', role: operator }
                - { name: bob, passwordHash: '%s', role: Monitor }
            """.formatted(HASH, HASH);

    @TempDir
    Path dir;

    private Path write(String clusterYaml, String secretsWeb) throws Exception {
        ConfigFixtures.secrets(dir, "secrets.yaml",
                "clusterKey: " + ConfigFixtures.KEY + "\nadminToken: " + ConfigFixtures.TOKEN + "\n" + secretsWeb);
        Path f = dir.resolve("cluster.yaml");
        Files.writeString(f, clusterYaml);
        return f;
    }

    private static String cluster(String standbyWeb, String primaryWeb) {
        return """
                cluster: { name: demo }
                standby: { name: standby, address: 127.0.2.1%s }
                primaries:
                  - name: p1
                    address: 10.0.1.1
                    admin: { address: 127.0.1.1 }
                    volumes:
                      - { name: vol0, file: data/vol0.img, size: 64MiB }
                %s
                """.formatted(standbyWeb, primaryWeb);
    }

    @Test
    void load_webBlocks_defaultsToNodeAddressPort8443AndHttps() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(write(cluster(", web: {}",
                "    web: { port: 9443, sessionTimeout: 5m, metricsOpen: true }"), USERS));
        WebConfig s = c.standby().web();
        assertEquals(new Endpoint("127.0.2.1", 8443), s.endpoint());
        assertNull(s.tls(), "no key store: a self-signed pair is generated");
        assertFalse(s.plainHttp());
        assertEquals(WebConfig.DEFAULT_SESSION_TIMEOUT, s.sessionTimeout());
        assertEquals("https://127.0.2.1:8443/", s.url());
        WebConfig p = c.primaries().get(0).web();
        assertEquals(new Endpoint("10.0.1.1", 9443), p.endpoint());
        assertEquals(Duration.ofMinutes(5), p.sessionTimeout());
        assertTrue(p.metricsOpen());
        WebSecrets w = c.secrets().web();
        assertEquals(List.of("alice", "bob"), w.users().stream().map(WebUser::name).toList());
        assertEquals(WebUser.Role.OPERATOR, w.user("alice").orElseThrow().role());
        assertEquals(WebUser.Role.MONITOR, w.user("bob").orElseThrow().role());
        assertTrue(w.user("alice").orElseThrow().password().matches("alice-password".toCharArray()));
        assertFalse(w.user("alice").orElseThrow().password().matches("alice-passwore".toCharArray()));
        assertEquals("scrape-token-0123456789", w.metricsToken());
    }

    @Test
    void load_plainHttpOnLoopback_isAllowed() throws Exception {
        ClusterConfig c = ClusterConfigLoader.load(write(cluster(", web: { plainHttp: true, port: 8080 }", ""), USERS));
        assertTrue(c.standby().web().plainHttp());
        assertEquals("http://127.0.2.1:8080/", c.standby().web().url());
    }

    @Test
    void load_plainHttpOffLoopback_isRefused() throws Exception {
        Path f = write(cluster("", "    web: { plainHttp: true }"), USERS);
        assertProblemLike(failsToLoad(f), f, "primaries[0].web.plainHttp", "only allowed on a loopback address, not on 10.0.1.1");
    }

    @Test
    void load_consoleWithoutUsersOrToken_namesSecretsFileAndKeys() throws Exception {
        write(cluster(", web: {}", ""), "");
        ConfigException e = failsToLoad(dir.resolve("cluster.yaml"));
        assertProblemLike(e, dir.resolve("secrets.yaml"), "web.users", "node(s) standby serve the web console");
        assertProblemLike(e, dir.resolve("secrets.yaml"), "web.metricsToken", "or set web.metricsOpen: true");
    }

    @Test
    void load_keyStoreWithoutPassword_isAnError() throws Exception {
        write(cluster(", web: { tls: { keyStore: tls/web.p12 } }", ""), USERS);
        assertProblemLike(failsToLoad(dir.resolve("cluster.yaml")), dir.resolve("secrets.yaml"), "web.keyStorePassword", "is missing");
    }

    @Test
    void load_badWebBlock_everyProblemNamed() throws Exception {
        Path f = write(cluster(", web: { port: 0, sesionTimeout: 5m, plainHttp: sometimes, tls: {} }",
                "    web: { sessionTimeout: soon, port: 7800, address: 127.0.1.1 }"), USERS);
        ConfigException e = failsToLoad(f);
        assertProblem(e, f, "standby.web.port: \"0\" is not a port (use 1-65535)");
        assertProblemLike(e, f, "standby.web.sesionTimeout", "unknown key");
        assertProblem(e, f, "standby.web.plainHttp: \"sometimes\" is not true or false");
        assertProblem(e, f, "standby.web.tls.keyStore: is missing");
        assertProblemLike(e, f, "primaries[0].web.sessionTimeout", "is not a duration");
    }

    @Test
    void loadSecrets_badWebUsers_everyProblemNamedWithoutEchoingThem() throws Exception {
        Path f = ConfigFixtures.secrets(dir, "s.yaml", "clusterKey: " + ConfigFixtures.KEY + "\nadminToken: " + ConfigFixtures.TOKEN + """

                web:
                  metricsToken: short
                  users:
                    - { name: a, passwordHash: plain-secret-password, role: operator }
                    - { name: b, passwordHash: 'pbkdf2-sha256$1000$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA', role: admin }
                    - { name: a, passwordHash: '%s', role: monitor, password: x }
                """.formatted(HASH));
        ConfigException e = assertThrows(ConfigException.class, () -> SecretsLoader.load(f));
        assertProblem(e, f, "web.metricsToken: is 5 characters; use at least 16");
        assertProblemLike(e, f, "web.users[0].passwordHash", "is not a password hash of the form pbkdf2-sha256$");
        assertProblemLike(e, f, "web.users[1].passwordHash", "has 1000 rounds; use at least 100000");
        assertProblem(e, f, "web.users[1].role: \"admin\" is not a web role (use monitor or operator)");
        assertProblem(e, f, "web.users[2].name: \"a\" is listed twice");
        assertProblemLike(e, f, "web.users[2].password", "unknown key");
        assertFalse(e.getMessage().contains("plain-secret-password"), e.getMessage());
    }

    @Test
    void generatedSecrets_holdOnlyHashesOfTheLoginsTheyReturn() throws Exception {
        Path f = dir.resolve("generated.yaml");
        SecretsGenerator.WebLogins logins = new SecretsGenerator().write(f);
        String text = Files.readString(f);
        Secrets s = SecretsLoader.load(f);
        for (String name : List.of(SecretsGenerator.WEB_MONITOR, SecretsGenerator.WEB_OPERATOR)) {
            String password = logins.passwords().get(name);
            assertFalse(text.contains(password), "the file must not hold the password of " + name);
            assertTrue(s.web().user(name).orElseThrow().password().matches(password.toCharArray()), name);
        }
        assertEquals(WebUser.Role.OPERATOR, s.web().user(SecretsGenerator.WEB_OPERATOR).orElseThrow().role());
        assertEquals(WebUser.Role.MONITOR, s.web().user(SecretsGenerator.WEB_MONITOR).orElseThrow().role());
        assertTrue(s.web().metricsToken().length() >= 16);
    }
}
