package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;

/**
 * Shows an online verify as it runs: while {@code understudy verify} waits for the outcome, a daemon thread reads the
 * primary's status a few times a second and takes the volume's running verify from it ({@code lastVerify.running}:
 * bytes compared of the volume's size). On a terminal that is a bar with rate and ETA, redrawn in place; elsewhere a
 * plain line each time another quarter is done:
 * <pre>
 *   p1/vol0 verify  50% (4.0 GiB of 8.0 GiB) 210.3 MiB/s ETA 19s
 * </pre>
 * The rate is measured by this command between its first and latest sight of the verify. One per command run.
 */
final class VerifyFollower implements AutoCloseable {
    private static final long POLL_MS = 250;

    private final AdminClient client;
    private final String primary;
    private final String volume;
    private final PrintWriter out;
    private final Terminal term;
    private final Thread thread;
    private String startedAt = "";
    private long firstDone;
    private long firstNanos;
    private int quartersShown;
    private boolean barShown;

    VerifyFollower(AdminClient client, String primary, String volume, PrintWriter out, Terminal term) {
        this.client = client;
        this.primary = primary;
        this.volume = volume;
        this.out = out;
        this.term = term;
        this.thread = client == null ? null : new Thread(this::follow, "understudy-verify-progress");
        if (thread != null) {
            thread.setDaemon(true);
        }
    }

    /** Starts following {@code primary}'s verify of {@code volume} on this process's terminal. */
    static VerifyFollower start(AdminClient client, String primary, String volume, PrintWriter out) {
        VerifyFollower f = new VerifyFollower(client, primary, volume, out, Terminal.current());
        f.thread.start();
        return f;
    }

    private void follow() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                seen(client.getJson("/api/status"), System.nanoTime());
            } catch (AdminClientException | RuntimeException e) {
                // the command's own request says what went wrong; keep trying until it ends
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Takes in one status of the primary, read at {@code nanos} ({@link System#nanoTime()}), and prints what is new. */
    synchronized void seen(JsonNode status, long nanos) {
        JsonNode running = null;
        for (JsonNode v : status.path("volumes")) {
            if (v.path("primary").asText().equals(primary) && v.path("name").asText().equals(volume)) {
                running = v.path("lastVerify").path("running");
            }
        }
        if (running == null || !running.isObject()) {
            clearBar();
            return;
        }
        long done = running.path("bytesDone").asLong();
        long total = running.path("bytesTotal").asLong();
        String started = running.path("startedAt").asText("");
        if (!started.equals(startedAt)) {
            startedAt = started;
            firstDone = done;
            firstNanos = nanos;
            quartersShown = 0;
        }
        double seconds = (nanos - firstNanos) / 1e9;
        double rate = seconds > 0 ? (done - firstDone) / seconds : 0;
        String what = primary + "/" + volume + " verify";
        if (term.tty()) {
            out.print(term.transientLine(Progress.bar(what, done, total, rate, term.columns())));
            barShown = true;
        } else {
            int quarters = total <= 0 ? 0 : (int) Math.min(3, done * 4 / total);
            if (quarters > quartersShown) {
                quartersShown = quarters;
                out.println(line(what, done, total, rate));
            }
        }
        out.flush();
    }

    /** A plain progress line: {@code   p1/vol0 verify  50% (4.0 GiB of 8.0 GiB) 210.3 MiB/s ETA 19s}. */
    static String line(String what, long done, long total, double rate) {
        long pct = total <= 0 ? 100 : Math.round(100.0 * Math.min(done, total) / total);
        return String.format(Locale.ROOT, "  %s %3d%% (%s of %s) %s/s ETA %s", what, pct, StatusFormatter.bytes(done),
                StatusFormatter.bytes(total), StatusFormatter.bytes((long) rate), Progress.eta(total - done, rate));
    }

    /** Stops following; a bar still drawn is cleared, so the outcome starts on a clean line. */
    void finish() {
        stop();
        synchronized (this) {
            clearBar();
            out.flush();
        }
    }

    /** Prints {@code text} (whole lines) while following: on a clean line, the bar drawn again at the next status. */
    synchronized void print(String text) {
        clearBar();
        out.print(text);
        out.flush();
    }

    private void clearBar() {
        if (barShown) {
            out.print(term.clearTransient());
            barShown = false;
        }
    }

    private void stop() {
        if (thread == null) {
            return;
        }
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
