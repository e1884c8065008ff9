package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.understudy.config.ConfigFixtures.assertProblem;
import static org.understudy.config.ConfigFixtures.assertProblemLike;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;

    private ConfigException fails(Path f) {
        return assertThrows(ConfigException.class, () -> SecretsLoader.load(f));
    }

    @Test
    void load_groupReadable_refusedWithChmodHint() throws Exception {
        Path f = ConfigFixtures.validSecrets(dir);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertProblemLike(fails(f), f, "file", "chmod 600 " + f.toAbsolutePath().normalize());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw----r--"));
        assertProblemLike(fails(f), f, "file", "accessible by group or others");
    }

    @Test
    void load_keyNotBase64_isAnError() throws Exception {
        Path f = ConfigFixtures.secrets(dir, "s.yaml", "clusterKey: '***'\nadminToken: " + ConfigFixtures.TOKEN);
        assertProblemLike(fails(f), f, "clusterKey", "is not base64");
    }

    @Test
    void load_keyTooShort_isAnError() throws Exception {
        Path f = ConfigFixtures.secrets(dir, "s.yaml", "clusterKey: AAECAw==\nadminToken: " + ConfigFixtures.TOKEN);
        assertProblem(fails(f), f, "clusterKey: decodes to 4 bytes; use at least 32 random bytes");
    }

    @Test
    void load_placeholders_areRefused() throws Exception {
        Path f = ConfigFixtures.secrets(dir, "s.yaml", "clusterKey: CHANGE-ME\nadminToken: CHANGE-ME-0123456789\n");
        ConfigException e = fails(f);
        assertProblemLike(e, f, "clusterKey", "placeholder");
        assertProblemLike(e, f, "adminToken", "placeholder");
    }

    @Test
    void load_missingAndUnknownKeys_areErrors() throws Exception {
        Path f = ConfigFixtures.secrets(dir, "s.yaml", "clusterkey: x\n");
        ConfigException e = fails(f);
        assertProblemLike(e, f, "clusterkey", "unknown key");
        assertProblem(e, f, "clusterKey: is missing");
        assertProblem(e, f, "adminToken: is missing");
    }

    @Test
    void generator_writesOwnerOnlyFileThatLoads() throws Exception {
        Path f = dir.resolve("secrets.yaml");
        new SecretsGenerator().write(f);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Secrets s = SecretsLoader.load(f);
        assertEquals(32, s.clusterKey().length);
        assertEquals(32, s.adminToken().length());
        assertEquals(JmxUser.Role.MONITOR, s.jmx().user(SecretsGenerator.JMX_MONITOR).orElseThrow().role());
        assertEquals(JmxUser.Role.OPERATOR, s.jmx().user(SecretsGenerator.JMX_OPERATOR).orElseThrow().role());
        assertEquals(24, s.jmx().user("operator").orElseThrow().password().length());
        // an existing secrets file is never overwritten
        assertThrows(FileAlreadyExistsException.class, () -> new SecretsGenerator().write(f));
    }

    @Test
    void load_adminTokens_carryNamesAndRoles() throws Exception {
        Path f = ConfigFixtures.secrets(dir, "s.yaml", "clusterKey: " + ConfigFixtures.KEY + "\nadminToken: "
                + ConfigFixtures.TOKEN + "\nadminTokens:\n  - { name: noc, token: noc-token-0123456789, role: read-only }\n"
                + "  - { name: oncall, token: oncall-token-0123456789, role: operator }\n");
        Secrets s = SecretsLoader.load(f);
        assertEquals(java.util.List.of(new AdminToken(AdminToken.ADMIN, ConfigFixtures.TOKEN, true),
                new AdminToken("noc", "noc-token-0123456789", false),
                new AdminToken("oncall", "oncall-token-0123456789", true)), s.adminTokens());
        assertEquals("AdminToken[noc, read-only]", s.adminTokens().get(1).toString(), "never prints the token");
    }

    @Test
    void load_adminTokens_badRoleShortOrReusedToken_namedByKey() throws Exception {
        Path f = ConfigFixtures.secrets(dir, "s.yaml", "clusterKey: " + ConfigFixtures.KEY + "\nadminToken: "
                + ConfigFixtures.TOKEN + "\nadminTokens:\n  - { name: a, token: short, role: read-only }\n"
                + "  - { name: b, token: " + ConfigFixtures.TOKEN + ", role: operator }\n"
                + "  - { name: c, token: c-token-0123456789abc, role: admin }\n");
        ConfigException e = fails(f);
        assertProblem(e, f, "adminTokens[0].token: is 5 characters; use at least 16");
        assertProblemLike(e, f, "adminTokens[1].token", "same as another token");
        assertProblemLike(e, f, "adminTokens[2].role", "use read-only or operator");
    }
}
