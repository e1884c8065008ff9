package org.understudy.installer.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client commands' class-data archive ({@value #ARCHIVE}): recorded from the CLI's training run
 * ({@code org.understudy.CdsTraining}) with the launcher's client options over the distribution's {@code lib/*}, by a
 * given {@code java}. An archive only fits the JVM that recorded it, so the build records one with its JDK and the
 * installer records it again with the distribution's jlink runtime; {@value #JAVA} names the {@code java} it fits
 * (relative to the distribution when it is the distribution's own runtime), which the launcher uses when nothing else
 * is asked for. Stateless.
 */
public final class CliArchive {
    /** The archive, relative to the distribution. */
    public static final String ARCHIVE = "lib/understudy-cli.jsa";
    /** The {@code java} the archive fits, one line, relative to the distribution or absolute. */
    public static final String JAVA = "lib/understudy-cli.java";
    /**
     * The client commands' JVM options that decide which classes load, relative to the distribution: the launcher
     * passes the same file to every client command (see bin/understudy).
     */
    static final String CLIENT_OPTIONS = "conf/jvm/client.options";
    private static final long TIMEOUT_MINUTES = 5;

    private CliArchive() {
    }

    /**
     * The build's step: records the archive with the java the launcher will run — the distribution's own runtime when
     * it has one (a build over an earlier one that got its jlink runtime; the launcher prefers it), else the JDK the
     * build runs on. An archive recorded with another java is refused by the JVM. Argument: the distribution's
     * directory.
     */
    public static void main(String[] args) throws IOException {
        Path dist = Path.of(args[0]).toAbsolutePath();
        Path runtime = dist.resolve(RUNTIME_JAVA);
        if (Files.isExecutable(runtime)) {
            record(dist, runtime, RUNTIME_JAVA);
            return;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        record(dist, java, java.toString());
    }

    /** The distribution's own runtime ({@code runtime/bin/java}), as {@value #JAVA} names it. */
    static final String RUNTIME_JAVA = "runtime/bin/java";

    /** True when {@code dist}'s archive was recorded with its own runtime. */
    static boolean fitsRuntime(Path dist) throws IOException {
        Path named = dist.resolve(JAVA);
        return Files.isRegularFile(dist.resolve(ARCHIVE)) && Files.isRegularFile(named)
                && Files.readString(named, StandardCharsets.UTF_8).strip().equals(RUNTIME_JAVA);
    }

    /**
     * Records {@code dist}'s archive with {@code java} (replacing any other) and notes {@code javaName} in {@value #JAVA}.
     *
     * @throws IOException when the training run fails or does not leave an archive
     */
    static void record(Path dist, Path java, String javaName) throws IOException {
        Path archive = dist.resolve(ARCHIVE);
        Path tmp = dist.resolve(ARCHIVE + ".tmp");
        Files.deleteIfExists(tmp);
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:ArchiveClassesAtExit=" + tmp));
        Path options = dist.resolve(CLIENT_OPTIONS);
        if (!Files.isRegularFile(options)) {
            throw new IOException("the client commands' JVM options " + options + " are missing");
        }
        cmd.add("@" + options);
        // the archive's own messages (classes it cannot hold, such as picocli's pre-Java 6 ones) are not failures
        cmd.addAll(List.of("-Xlog:cds=error", "-Xlog:cds+dynamic=error", "-Xlog:aot=error",
                "-cp", dist.resolve("lib") + "/*", "org.understudy.CdsTraining"));
        Path log = Files.createTempFile("understudy-cds", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended;
            try {
                ended = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while recording " + archive);
            }
            if (!ended) {
                p.destroyForcibly();
                throw new IOException("the CLI's training run with " + java + " did not end in " + TIMEOUT_MINUTES + " min");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
                throw new IOException("the CLI's training run with " + java + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(log);
        }
        Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dist.resolve(JAVA), javaName + "\n", StandardCharsets.UTF_8);
    }
}
