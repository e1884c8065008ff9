package org.understudy.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.understudy.admin.AdminClientException;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import picocli.CommandLine.Option;

/**
 * The {@code --config} option every client command shares, with the defaults operators expect: the option, else the
 * {@code UNDERSTUDY_CONFIG} environment variable, else {@code /etc/understudy/cluster.yaml}. Where the file came from
 * is said whenever it matters (the file is missing, invalid, or the node it names does not answer). A picocli mixin;
 * not thread-safe (one per command invocation).
 */
public final class ClusterFile {
    /** The environment variable naming the cluster file. */
    public static final String ENV = "UNDERSTUDY_CONFIG";
    /** Where an installed cluster keeps its file. */
    public static final Path SYSTEM_FILE = Path.of("/etc/understudy/cluster.yaml");

    @Option(names = "--config", paramLabel = "FILE",
            description = "The cluster file (default: $" + ENV + ", then /etc/understudy/cluster.yaml).")
    Path option;

    private Map<String, String> env = System.getenv();
    private Path systemFile = SYSTEM_FILE;

    /** The file picked and why it was picked. */
    public record Choice(Path file, String source) {
        /** {@code FILE (from UNDERSTUDY_CONFIG)}, for messages. */
        @Override
        public String toString() {
            return file + " (" + source + ")";
        }
    }

    /** For tests: another environment and system-wide file. */
    ClusterFile with(Map<String, String> newEnv, Path newSystemFile) {
        this.env = newEnv;
        this.systemFile = newSystemFile;
        return this;
    }

    /** The file to use and where it came from; null when there is none anywhere. */
    public Choice choice() {
        if (option != null) {
            return new Choice(option, "--config");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Choice(Path.of(fromEnv), "from " + ENV);
        }
        if (Files.exists(systemFile)) {
            return new Choice(systemFile, "the system-wide default");
        }
        return null;
    }

    /** Loads the cluster file, or says on {@code err} why not (naming the file and where it came from) and returns null. */
    public ClusterConfig load(String cmd, PrintWriter err) {
        Choice c = choice();
        if (c == null) {
            err.println(cmd + ": no cluster file: give --config FILE, set " + ENV + ", or install " + systemFile);
            err.flush();
            return null;
        }
        try {
            return ClusterConfigLoader.load(c.file());
        } catch (ConfigException e) {
            err.println(cmd + ": invalid configuration in " + e.file()
                    + (e.file() != null && e.file().equals(c.file()) ? " (" + c.source() + ")" : "") + ":");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return null;
        }
    }

    /**
     * For a node that did not answer, when the cluster file was not given on the command line: which file named its
     * address (it may be the wrong cluster's). Empty otherwise.
     */
    public String unreachableNote(AdminClientException e) {
        Choice c = choice();
        return option != null || c == null || e.status() != 0 ? "" : " (address from " + c + ")";
    }
}
