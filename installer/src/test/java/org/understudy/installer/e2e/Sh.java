package org.understudy.installer.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Runs commands for the installer's end-to-end test, and polls until a condition holds (no fixed sleeps). */
final class Sh {
    private Sh() {
    }

    record Out(int exit, String text) {
        Out ok() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + ": " + text);
            }
            return this;
        }
    }

    static Out run(Duration limit, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread t = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        t.start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            t.join();
            throw new AssertionError("timed out after " + limit.toSeconds() + " s: " + cmd + "\n"
                    + new String(out[0] == null ? new byte[0] : out[0], StandardCharsets.UTF_8));
        }
        t.join();
        return new Out(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    static Out run(List<String> cmd) throws IOException, InterruptedException {
        return run(Duration.ofSeconds(30), cmd);
    }

    static Process start(Path log, List<String> cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Polls every 200 ms until {@code condition} holds, or fails saying {@code what}. */
    static void until(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
