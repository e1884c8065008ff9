package org.understudy.script;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script or program of the node's (a probe script, the fencing script, a failover hook, {@code ip addr}) with a
 * timeout, capturing the start of its output. One that outlives its timeout is killed with its descendants (they are
 * our own child processes). Not to be confused with an operator's command ({@code org.understudy.command}).
 * Stateless, thread-safe.
 */
public final class ScriptRunner {
    private static final int OUTPUT_KEPT = 2000;

    /** How a script ended. {@code exitCode} is -1 when it timed out or could not start. */
    public record Outcome(int exitCode, boolean timedOut, String output, long durationNanos) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        public String describe() {
            String o = output.isBlank() ? "" : ", output: " + output.strip();
            if (timedOut) {
                return String.format("timed out after %.2f s%s", durationNanos / 1e9, o);
            }
            return String.format("exit %d after %.2f s%s", exitCode, durationNanos / 1e9, o);
        }
    }

    public Outcome run(List<String> command, Map<String, String> env, Duration timeout) {
        long start = System.nanoTime();
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            p = pb.start();
        } catch (IOException e) {
            return new Outcome(-1, false, "cannot start " + command + ": " + e.getMessage(),
                    System.nanoTime() - start);
        }
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), out));
        try {
            boolean done = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(1, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(1));
            String text;
            synchronized (out) {
                text = out.toString();
            }
            return new Outcome(done ? p.exitValue() : -1, !done, text, System.nanoTime() - start);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(-1, true, "interrupted", System.nanoTime() - start);
        }
    }

    private static void drain(InputStream in, StringBuilder out) {
        byte[] buf = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    if (out.length() < OUTPUT_KEPT) {
                        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (out.length() > OUTPUT_KEPT) {
                            out.setLength(OUTPUT_KEPT);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the process ended or was killed; what was read is kept
        }
    }
}
