package org.understudy.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs a real client (nbdinfo, qemu-io, fio...) with a time limit and captures its output. */
public final class Cmd {
    /** Exit code and combined output of a finished command. */
    public record Result(List<String> command, int exit, String output) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("command failed (exit " + exit + "): " + String.join(" ", command) + "\n" + output);
            }
            return this;
        }
    }

    private Cmd() {
    }

    /** Skips the test when a client binary is missing (./test installs them all). */
    public static void require(String tool) {
        boolean found = java.util.Arrays.stream(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        Assumptions.assumeTrue(found, tool + " is not installed (./test installs it)");
    }

    public static Result run(Duration limit, String... command) throws IOException, InterruptedException {
        return run(limit, List.of(command));
    }

    public static Result run(Duration limit, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("understudy-cmd", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("command did not finish within " + limit + ": " + String.join(" ", command) + "\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Starts a command in the background (its output to a file) for tests that act while it runs. */
    public static Process start(Path output, List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

}
