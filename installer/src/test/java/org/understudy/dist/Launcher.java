package org.understudy.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the assembled distribution's launcher as an operator does, output captured in a scratch directory. */
final class Launcher {
    static final Path DIST = Path.of(System.getProperty("understudy.dist", "target/understudy"));

    /** Exit code and everything the command printed. */
    record Run(int exit, String output) {
    }

    private Launcher() {
    }

    /** {@code bin/understudy ARGS}, waiting at most 4 minutes; {@code scratch} holds its output file. */
    static Run understudy(Path scratch, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(DIST.resolve("bin/understudy").toString()));
        cmd.addAll(List.of(args));
        Path out = scratch.resolve("out-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(4, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("understudy " + String.join(" ", args) + " did not finish:\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
