package org.understudy.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A node role's class path: the distribution's, less the jars {@code conf/jvm/ROLE.classpath-exclude} names (beside
 * the role's option file), so that {@code bin/understudy} and {@link NodeProcesses} (the demo's nodes) give a role the
 * same jars. Only the primary agent has such a file: the installer's jars are no use to it, and each jar the JVM
 * opens keeps its central directory on the heap (README, "The primary agent's footprint"). Stateless.
 */
public final class RoleClassPath {
    /** The file name's ending of a role's list of excluded jars, beside its {@code ROLE.options}. */
    static final String SUFFIX = ".classpath-exclude";

    private RoleClassPath() {
    }

    /**
     * The jar file-name prefixes listed beside {@code roleOptions} ({@code conf/jvm/ROLE.options} gives
     * {@code conf/jvm/ROLE.classpath-exclude}); none when the role has no such file. One prefix a line, a {@code #}
     * starts a comment, blanks are ignored: the rules the launcher reads the file by.
     */
    public static List<String> exclusions(Path roleOptions) throws IOException {
        String name = roleOptions.getFileName().toString();
        Path file = roleOptions.resolveSibling(name.substring(0, name.length() - ".options".length()) + SUFFIX);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> prefixes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int hash = line.indexOf('#');
            String prefix = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!prefix.isEmpty()) {
                prefixes.add(prefix);
            }
        }
        return List.copyOf(prefixes);
    }

    /**
     * {@code classPath} (entries joined by the path separator) without the entries whose file name starts with one of
     * {@code prefixes}.
     */
    public static String without(String classPath, List<String> prefixes) {
        if (prefixes.isEmpty()) {
            return classPath;
        }
        List<String> kept = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            String fileName = entry.substring(entry.lastIndexOf(File.separatorChar) + 1);
            if (prefixes.stream().noneMatch(fileName::startsWith)) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }
}
