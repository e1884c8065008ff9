package org.understudy.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.StandbyConfig;
import org.understudy.model.Role;

/**
 * A node refusing to start on a bad secrets file names that file and the key. Regression: "adminToken: is missing
 * (in .../cluster.yaml)", the cluster file instead of the secrets file the problem is in.
 */
class NodeRunnerConfigTest {
    @TempDir
    Path dir;

    @Test
    void secretsFileProblem_namesTheSecretsFileAndTheKey() throws Exception {
        Path secrets = dir.resolve("keys.yaml");
        Files.writeString(secrets, "clusterKey: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, """
                cluster: { name: demo, secrets: keys.yaml }
                standby: { name: standby, address: 127.0.2.1, stateDir: sb }
                primaries:
                  - { name: p1, address: 127.0.1.1, admin: { address: 127.0.1.1 }, volumes: [ { name: v, file: v.img, size: 1MiB } ] }
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = NodeRunner.run(cluster, "standby", Role.STANDBY, StandbyConfig.class,
                (c, n, s) -> { throw new AssertionError("must not start"); }, new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertTrue(text.contains("adminToken: is missing"), text);
        assertTrue(text.contains("(in " + secrets.toAbsolutePath().normalize() + ", the secrets file named by "
                + "cluster.secrets in " + cluster.toAbsolutePath().normalize() + ")"), text);
    }
}
