package org.understudy.cli;

import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;

/**
 * More subcommands for {@code bin/understudy}, found on the class path through {@link ServiceLoader} (the
 * installer's {@code setup}, {@code install}, {@code upgrade} and {@code uninstall} live in a module that depends on
 * this one, so the launcher cannot name them). Implementations are stateless.
 */
public interface CliExtension {
    /** Picocli command objects (classes annotated with {@code @Command}, or instances of them) to add. */
    List<Object> commands();

    /** Adds every extension's commands found on the class path to {@code root}; an extension that fails is skipped. */
    static CommandLine addAll(CommandLine root) {
        for (ServiceLoader.Provider<CliExtension> p : ServiceLoader.load(CliExtension.class).stream().toList()) {
            try {
                for (Object command : p.get().commands()) {
                    root.addSubcommand(command);
                }
            } catch (RuntimeException | java.util.ServiceConfigurationError e) {
                System.err.println("understudy: commands of " + p.type().getName() + " left out: " + e);
            }
        }
        return root;
    }
}
