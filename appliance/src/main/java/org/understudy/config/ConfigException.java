package org.understudy.config;

import java.nio.file.Path;
import java.util.List;

/** An invalid cluster or secrets file; the message names the file, the key and each problem found. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final transient List<String> problems;

    public ConfigException(Path file, List<String> problems) {
        super(file + ": " + String.join("; ", problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public ConfigException(Path file, String key, String problem) {
        this(file, List.of(key + ": " + problem));
    }

    /** The file the problems are in. */
    public Path file() {
        return file;
    }

    /** Each problem as {@code key: what is wrong}. */
    public List<String> problems() {
        return problems;
    }
}
