package org.understudy.daemon;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A node role's command line in its one usual shape, {@code ROLE --config FILE --node NAME} (either order, each
 * option once, {@code --option=value} too), read without picocli: the primary agent runs on somebody's production
 * server, and building picocli's model of a command line loads some 170 picocli classes and the JDK's annotation
 * proxies, kept for the life of the process (README, "The primary agent's footprint"). Any other shape (help, a
 * version, a missing, repeated or unknown option) is left to picocli, which says what is wrong as for every command.
 *
 * @param config the cluster file
 * @param node   which of its nodes this process is
 */
public record NodeArguments(Path config, String node) {
    /** The arguments when {@code args} are {@code role} followed by exactly {@code --config} and {@code --node}. */
    public static Optional<NodeArguments> of(String role, String... args) {
        if (args.length < 3 || !args[0].equals(role)) {
            return Optional.empty();
        }
        String config = null;
        String node = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            String value;
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                value = args[++i];
            } else {
                return Optional.empty();
            }
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (name.equals("--config") && config == null) {
                config = value;
            } else if (name.equals("--node") && node == null) {
                node = value;
            } else {
                return Optional.empty();
            }
        }
        return config != null && node != null
                ? Optional.of(new NodeArguments(Path.of(config), node))
                : Optional.empty();
    }
}
