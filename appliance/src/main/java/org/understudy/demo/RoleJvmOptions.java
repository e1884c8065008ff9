package org.understudy.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where each node role's JVM options live, so that {@code bin/understudy} and {@link NodeProcesses} (the demo's
 * nodes, and every benchmark built on a demo) run a role with the same ones: {@code conf/jvm/ROLE.options} of the
 * distribution, in the format the {@code java} launcher reads as an {@code @argfile}; plus the environment the launcher
 * gives a role (glibc's malloc arenas for the primary), which an argument file cannot hold. Stateless.
 */
public final class RoleJvmOptions {
    /** glibc's malloc arena limit, set for the primary agent unless the environment sets it already. */
    public static final String ARENAS = "MALLOC_ARENA_MAX";

    private RoleJvmOptions() {
    }

    /**
     * The option file of {@code role} in the distribution this JVM runs from (system property {@code understudy.home},
     * set by the launcher), or else in the source tree's {@code conf/} (system property {@code understudy.conf}, set by
     * the build for its tests).
     *
     * @throws IOException when neither is known or the file is missing: a node started without its role's options
     *                     would run unlike an installed one, which is what this class is for
     */
    public static Path file(String role) throws IOException {
        String home = System.getProperty("understudy.home");
        String conf = System.getProperty("understudy.conf");
        Path dir = home != null ? Path.of(home, "conf") : conf != null ? Path.of(conf) : null;
        if (dir == null) {
            throw new IOException("cannot start a " + role + " node: neither understudy.home nor understudy.conf is set,"
                    + " so its JVM options (conf/jvm/" + fileName(role) + ") cannot be found");
        }
        Path file = file(dir, role);
        if (!Files.isRegularFile(file)) {
            throw new IOException("cannot start a " + role + " node: its JVM options " + file + " are missing");
        }
        return file;
    }

    /** {@code conf/jvm/ROLE.options} under the configuration directory {@code conf}. */
    public static Path file(Path conf, String role) {
        return conf.resolve("jvm").resolve(fileName(role));
    }

    /** The environment the launcher adds for {@code role}; the caller keeps any value already set. */
    public static Map<String, String> environment(String role) {
        return role.equals("primary") ? Map.of(ARENAS, "2") : Map.of();
    }

    private static String fileName(String role) {
        return switch (role) {
            case "primary" -> "primary.options";
            // the demo command itself runs as a standby does
            case "standby", "demo" -> "standby.options";
            case "fleet" -> "fleet.options";
            default -> throw new IllegalArgumentException("no JVM options for role " + role);
        };
    }
}
