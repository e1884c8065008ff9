package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real MIB tools (libsmi's smilint/smidump, Net-SNMP's snmptranslate) on {@code mib/UNDERSTUDY-MIB.txt}
 * with only the project's own base modules on their search paths, and parses what they print.
 *
 * <p>Nothing is written into the source tree: Net-SNMP's persistent directory and configuration path point into
 * {@code target/}. A missing tool fails the test (never skips it), because {@code ./test} installs them.
 * Not thread-safe state; every method is a pure function of the files on disk.
 */
final class MibTools {

    /** What a finished command printed. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        String describe() {
            return String.join(" ", command) + "\nexit " + exitCode + "\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr;
        }
    }

    private static final Map<String, String> PACKAGE_OF = Map.of(
            "smilint", "smitools", "smidump", "smitools", "snmptranslate", "snmp");
    private static final Pattern MACRO_SKIPPED =
            Pattern.compile("^[A-Z][A-Z-]* MACRO \\(lines \\d+\\.\\.\\d+ parsed and ignored\\)\\.$");
    private static final Pattern TZ_LINE = Pattern.compile("^\"([^\"]+)\"\\s+\"([0-9.]+)\"$");

    private MibTools() {
    }

    /** The module directory (Surefire sets {@code basedir}; the working directory is the same). */
    static Path moduleDir() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        assertTrue(Files.isRegularFile(dir.resolve("UNDERSTUDY-MIB.txt")),
                "UNDERSTUDY-MIB.txt not found in " + dir + ": run the tests from the mib module");
        return dir;
    }

    static Path mibFile() {
        return moduleDir().resolve("UNDERSTUDY-MIB.txt");
    }

    static Path baseDir() {
        return moduleDir().resolve("base");
    }

    /** The search path for both libsmi and Net-SNMP: our base modules, then our MIB. Nothing of the system's. */
    static String mibPath() {
        return baseDir() + File.pathSeparator + moduleDir();
    }

    /** smilint, smidump: SMIPATH without a leading or trailing colon replaces libsmi's default path. */
    static Result libsmi(String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(List.of(args));
        return run(cmd, Map.of("SMIPATH", mibPath()));
    }

    /** snmptranslate with {@code -M <our dirs> -m UNDERSTUDY-MIB} and Net-SNMP's files kept under target/. */
    static Result snmptranslate(String... args) {
        Path scratch = moduleDir().resolve("target").resolve("snmp-tools");
        Path conf = scratch.resolve("conf");
        Path persist = scratch.resolve("persist");
        try {
            Files.createDirectories(conf);
            // Net-SNMP announces on stderr every directory it has to create there; made beforehand, it stays quiet.
            Files.createDirectories(persist.resolve("cert_indexes"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("snmptranslate", "-M", mibPath(), "-m", UnderstudyMib.MODULE));
        cmd.addAll(List.of(args));
        Result r = run(cmd, Map.of("SNMPCONFPATH", conf.toString(), "SNMP_PERSISTENT_DIR", persist.toString()));
        // With -Pw Net-SNMP notes every MACRO definition of the base modules it skips; that is information about
        // SNMPv2-SMI/TC/CONF doing their job, not a warning about our MIB, so only those exact lines are dropped.
        String stderr = r.stderr().lines().filter(l -> !MACRO_SKIPPED.matcher(l).matches())
                .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
        return new Result(r.command(), r.exitCode(), r.stdout(), stderr);
    }

    /** Every node Net-SNMP knows after loading our MIB, descriptor to dotted OID, from {@code -Tz}. */
    static Map<String, String> netSnmpNodes() {
        Result r = snmptranslate("-Pw", "-Tz");
        if (r.exitCode() != 0 || !r.stderr().isEmpty()) {
            fail("snmptranslate -Tz did not load UNDERSTUDY-MIB cleanly:\n" + r.describe());
        }
        Map<String, String> nodes = new LinkedHashMap<>();
        for (String line : r.stdout().split("\n")) {
            Matcher m = TZ_LINE.matcher(line.strip());
            if (m.matches()) {
                nodes.put(m.group(1), m.group(2));
            }
        }
        assertTrue(nodes.size() > 50, "snmptranslate -Tz listed too few nodes:\n" + r.describe());
        return nodes;
    }

    static Result run(List<String> cmd, Map<String, String> env) {
        requireTool(cmd.get(0));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(moduleDir().toFile());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in 30 s");
            }
            return new Result(cmd, p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void requireTool(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed (Debian package " + PACKAGE_OF.getOrDefault(tool, "?")
                + "). Run ./test, which installs the packages the tests use, or apt-get install it.");
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
