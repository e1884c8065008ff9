package org.understudy.installer.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.spi.ToolProvider;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.FileTrees;

/**
 * Gives a distribution its own Java runtime ({@code runtime/}), built with {@code jlink} from the JDK the installer
 * runs on, so targets need no JDK. Built only where it is needed: the first {@code install} or {@code upgrade} from a
 * distribution without one builds it (a few seconds) and keeps it in the distribution for later runs; plain builds
 * and tests never pay for it. The runtime gets its own base class-data archive and the CLI's archive
 * ({@link CliArchive}) recorded again with it, so client commands on installed nodes start as fast as the build's.
 * Stateless.
 */
public final class RuntimeImage {
    private static final Logger LOG = LogManager.getLogger(RuntimeImage.class);
    /**
     * The modules the nodes use: {@code jdeps --print-module-deps} over lib/, plus what is only reached by reflection
     * or service lookup (logging, management, RMI naming for the JMX connector, EC crypto for TLS).
     */
    public static final String MODULES = "java.base,java.compiler,java.desktop,java.logging,java.management,"
            + "java.management.rmi,java.naming,java.net.http,java.rmi,java.scripting,java.sql,java.xml,jdk.crypto.ec,"
            + "jdk.httpserver,jdk.management,jdk.naming.rmi,jdk.unsupported,jdk.zipfs";

    private RuntimeImage() {
    }

    /**
     * Builds {@code dist/runtime} unless it is there already.
     *
     * @return true if it was built now
     * @throws IOException when it is missing and cannot be built (no jlink in this Java, or jlink failed)
     */
    public static boolean ensure(Path dist, PrintWriter progress) throws IOException {
        Path runtime = dist.resolve("runtime");
        if (Files.isExecutable(runtime.resolve("bin/java"))) {
            if (!CliArchive.fitsRuntime(dist)) {
                // a runtime an earlier installer built without the CLI's archive
                recordCliArchive(dist, progress);
            }
            return false;
        }
        Optional<ToolProvider> jlink = ToolProvider.findFirst("jlink");
        if (jlink.isEmpty()) {
            throw new IOException(dist + " has no Java runtime (runtime/) and this Java (" + System.getProperty("java.home")
                    + ") has no jlink to build one: run install once from a JDK 21+");
        }
        Path tmp = dist.resolve("runtime.tmp");
        FileTrees.delete(tmp);
        progress.println("building the nodes' Java runtime with jlink (" + System.getProperty("java.home")
                + ", once per distribution) ...");
        progress.flush();
        long t0 = System.nanoTime();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        // --generate-cds-archive: the runtime's own base archive (lib/server/classes.jsa), which every JVM start maps
        // and the CLI's archive is recorded on top of
        int rc = jlink.get().run(ps, ps, "--add-modules", MODULES, "--strip-debug", "--no-header-files",
                "--no-man-pages", "--generate-cds-archive", "--output", tmp.toString());
        if (rc != 0) {
            FileTrees.delete(tmp);
            throw new IOException("jlink failed (exit " + rc + "): " + log.toString(StandardCharsets.UTF_8).strip());
        }
        Files.move(tmp, runtime, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("runtime for {} built with jlink in {} ms (modules {})", dist, (System.nanoTime() - t0) / 1_000_000,
                MODULES);
        recordCliArchive(dist, progress);
        return true;
    }

    /**
     * Records the client commands' class-data archive again with the runtime's own {@code java}: the build's archive
     * fits only the JDK that built it, and the launcher runs client commands on the runtime when there is one.
     */
    private static void recordCliArchive(Path dist, PrintWriter progress) throws IOException {
        progress.println("recording the CLI's class-data archive with the nodes' Java runtime ...");
        progress.flush();
        long t0 = System.nanoTime();
        CliArchive.record(dist, dist.resolve(CliArchive.RUNTIME_JAVA), CliArchive.RUNTIME_JAVA);
        LOG.info("CLI class-data archive of {} recorded with its runtime in {} ms", dist,
                (System.nanoTime() - t0) / 1_000_000);
    }
}
