package org.understudy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.installer.dist.CliArchive;
import org.understudy.installer.dist.Distribution;
import org.understudy.installer.dist.RuntimeImage;

/**
 * The launcher runs client commands from the CLI's class-data archive: the build's distribution with the JDK that
 * recorded it, and an installed node (the distribution with its jlink runtime, pushed as the installer pushes it and
 * unpacked by {@code tar}) with the archive recorded again with its runtime. Seen in the JVM's class-loading log:
 * the CLI's own classes come from the archive ("shared objects file (top)"), not from lib/*.jar.
 */
class CliArchiveIT {
    private static final String FROM_ARCHIVE = "org.understudy.Main source: shared objects file (top)";

    @TempDir
    Path tmp;

    /** Runs {@code dist}'s launcher with {@code -V}, logging class loading; returns the log. */
    private String versionClassLog(Path dist) throws IOException, InterruptedException {
        Path log = tmp.resolve("classes-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/understudy").toString(), "-V").redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME"); // the launcher picks the java itself, as on a node
        pb.environment().put("UNDERSTUDY_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "understudy -V did not end");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("understudy "), out);
        return Files.readString(log);
    }

    @Test
    void buildsDistribution_usesItsArchive() throws Exception {
        assertTrue(versionClassLog(Launcher.DIST).contains(FROM_ARCHIVE), "the build's archive with the JDK it names in "
                + CliArchive.JAVA + ": " + Files.readString(Launcher.DIST.resolve(CliArchive.JAVA)).strip());
    }

    @Test
    void installedNode_runtimeGetsItsOwnArchive_andTheLauncherUsesIt() throws Exception {
        Path dist = tmp.resolve("dist");
        copy(Launcher.DIST, dist);
        StringWriter progress = new StringWriter();
        assertTrue(RuntimeImage.ensure(dist, new PrintWriter(progress)), "a runtime built now: " + progress);
        assertTrue(Files.isRegularFile(dist.resolve("runtime/lib/server/classes.jsa")), "the runtime's base archive");
        assertEquals("runtime/bin/java", Files.readString(dist.resolve(CliArchive.JAVA)).strip());
        // pushed as the installer pushes it, unpacked as a node unpacks it
        Path archive = tmp.resolve("dist.tar.gz");
        Distribution.scan(dist, "test", 1).writeArchive(archive);
        Path node = Files.createDirectories(tmp.resolve("node"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", node.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        assertTrue(versionClassLog(node).contains(FROM_ARCHIVE), "the node's runtime maps the archive recorded with it");
        assertEquals(false, RuntimeImage.ensure(dist, new PrintWriter(progress)), "built once");
    }

    /** Copies a distribution as a build leaves it (times kept), without a runtime an earlier run may have added. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                String rel = from.relativize(p).toString();
                if (rel.startsWith("runtime")) {
                    continue;
                }
                Path dest = to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
