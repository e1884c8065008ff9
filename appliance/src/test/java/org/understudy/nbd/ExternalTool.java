package org.understudy.nbd;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helper: runs a real client binary as a child process with a deadline and captures its output. */
final class ExternalTool {
    record Result(int exitCode, String output) {
    }

    private ExternalTool() {
    }

    /** True when {@code name} is an executable on the PATH (tests skip themselves otherwise). */
    static boolean available(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    static Result run(Path workDir, int timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "tool", ".out");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; output:\n"
                    + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }
}
