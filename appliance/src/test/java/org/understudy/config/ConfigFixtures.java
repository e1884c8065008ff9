package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes cluster and secrets files for tests. */
final class ConfigFixtures {
    static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // 32 bytes
    static final String TOKEN = "test-token-0123456789";

    private ConfigFixtures() {
    }

    static Path secrets(Path dir, String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    static Path validSecrets(Path dir) throws IOException {
        return secrets(dir, "secrets.yaml", "clusterKey: " + KEY + "\nadminToken: " + TOKEN + "\n");
    }

    static Path cluster(Path dir, String yaml) throws IOException {
        validSecrets(dir);
        Path f = dir.resolve("cluster.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    static ConfigException failsToLoad(Path clusterFile) {
        return assertThrows(ConfigException.class, () -> ClusterConfigLoader.load(clusterFile));
    }

    /** The exception names the file and has exactly this {@code key: problem} among its problems. */
    static void assertProblem(ConfigException e, Path file, String problem) {
        assertTrue(e.getMessage().startsWith(file.toAbsolutePath().normalize().toString()),
                () -> "message should name " + file + ": " + e.getMessage());
        assertTrue(e.problems().contains(problem), () -> "expected problem <" + problem + "> in " + e.problems());
    }

    /** Some problem starts with {@code key: } and contains {@code fragment}. */
    static void assertProblemLike(ConfigException e, Path file, String key, String fragment) {
        assertTrue(e.getMessage().startsWith(file.toAbsolutePath().normalize().toString()),
                () -> "message should name " + file + ": " + e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(key + ": ") && p.contains(fragment)),
                () -> "expected a problem for " + key + " mentioning <" + fragment + "> in " + e.problems());
    }
}
