package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The annotated samples shipped in conf/ stay loadable (once the secrets template is filled in). */
class ShippedConfTest {
    static final Path CONF = Path.of(System.getProperty("understudy.conf", "../conf"));

    @TempDir
    Path dir;

    @Test
    void sample_withFilledSecrets_loads() throws Exception {
        Files.copy(CONF.resolve("cluster.sample.yaml"), dir.resolve("cluster.yaml"));
        String template = Files.readString(CONF.resolve("secrets.sample.yaml"));
        Path secrets = dir.resolve("secrets.yaml");
        Files.writeString(secrets, template
                .replace("clusterKey: CHANGE-ME", "clusterKey: " + ConfigFixtures.KEY)
                .replace("adminToken: CHANGE-ME", "adminToken: " + ConfigFixtures.TOKEN)
                .replace("password: CHANGE-ME", "password: jmx-password-0123")
                .replace("metricsToken: CHANGE-ME", "metricsToken: " + ConfigFixtures.TOKEN)
                .replace("passwordHash: CHANGE-ME", "passwordHash: '" + PasswordHash.create("alice-password".toCharArray(),
                        new java.security.SecureRandom(), PasswordHash.MIN_ITERATIONS).encoded() + "'"));
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        ClusterConfig c = ClusterConfigLoader.load(dir.resolve("cluster.yaml"));
        assertEquals("demo", c.name());
        assertEquals(2, c.primaries().size());
        assertEquals(17199, c.standby().jmx().endpoint().port());
        assertEquals(2, c.secrets().jmx().users().size());
        assertEquals(8443, c.standby().web().endpoint().port());
        assertEquals(1, c.secrets().web().users().size());
        assertTrue(c.primaries().stream().allMatch(p -> !p.volumes().isEmpty()));
    }

    @Test
    void sample_secretsTemplateAsShipped_isRefused() throws Exception {
        Path secrets = dir.resolve("secrets.yaml");
        Files.copy(CONF.resolve("secrets.sample.yaml"), secrets);
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        ConfigException e = assertThrows(ConfigException.class, () -> SecretsLoader.load(secrets));
        // cluster key, admin token, the two JMX passwords, the metrics token and the web login's hash
        assertEquals(6, e.problems().size(), e.problems().toString());
    }
}
