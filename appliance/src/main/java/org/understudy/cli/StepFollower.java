package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;

/**
 * Shows a long operator action (failover, switchover, failback) as it happens: while the command's request waits for
 * the end of the sequence, a daemon thread reads the standby's status a few times a second and prints every step of
 * the primary's running timeline once it has ended, in the order the sequence ran them:
 * <pre>
 *   step 1 fence-epoch           OK       3 ms  epoch 1 -&gt; 2
 * </pre>
 * (number, name, outcome, duration, detail). On a terminal a resync of the primary's volumes under way is drawn as a
 * bar with rate and ETA below the steps; elsewhere only the step lines are printed. When the answer comes,
 * {@link #finish} prints the steps not shown yet from the finished timeline. One per command run.
 */
class StepFollower implements AutoCloseable {
    /** For commands that show no steps. */
    static final StepFollower NONE = new StepFollower();
    private static final long POLL_MS = 250;

    private final AdminClient client;
    private final String primary;
    private final PrintWriter out;
    private final Terminal term;
    private final String before;
    private final Thread thread;
    private int shown;
    private boolean barShown;

    private StepFollower() {
        client = null;
        primary = null;
        out = null;
        term = null;
        before = null;
        thread = null;
    }

    private StepFollower(AdminClient client, String primary, PrintWriter out, String before) {
        this.client = client;
        this.primary = primary;
        this.out = out;
        this.term = Terminal.current();
        this.before = before;
        this.thread = new Thread(this::follow, "understudy-steps");
        thread.setDaemon(true);
    }

    /** Starts following {@code primary}'s next sequence (the last one finished before now is not it). */
    static StepFollower start(AdminClient client, String command, String primary, PrintWriter out) {
        String before = "";
        try {
            JsonNode p = primaryOf(client.getJson("/api/status"), primary);
            before = p == null ? "" : p.path("lastSequence").path("startedAt").asText("");
        } catch (AdminClientException e) {
            return NONE; // the command itself will say the standby does not answer
        }
        StepFollower f = new StepFollower(client, primary, out, before);
        f.thread.start();
        return f;
    }

    private void follow() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                JsonNode status = client.getJson("/api/status");
                JsonNode p = primaryOf(status, primary);
                if (p != null) {
                    synchronized (this) {
                        show(p.path("running").path("steps"));
                        bar(status);
                    }
                }
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            } catch (AdminClientException | RuntimeException e) {
                // the answer to the command itself says what went wrong; keep trying until it comes
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Stops following and prints the steps of the finished sequence not shown yet. */
    void finish(JsonNode result) {
        if (thread == null) {
            return;
        }
        stop();
        try {
            JsonNode p = primaryOf(client.getJson("/api/status"), primary);
            JsonNode last = p == null ? null : p.path("lastSequence");
            if (last != null && !last.path("startedAt").asText("").equals(before)) {
                synchronized (this) {
                    show(last.path("steps"));
                }
            }
        } catch (AdminClientException e) {
            // the steps stay in status and the event log; the answer below says how it ended
        }
        synchronized (this) {
            clearBar();
            out.flush();
        }
    }

    private void stop() {
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void show(JsonNode steps) {
        for (int i = shown; i < steps.size(); i++) {
            JsonNode s = steps.get(i);
            clearBar();
            out.println(line(i + 1, s));
        }
        shown = Math.max(shown, steps.size());
        out.flush();
    }

    /** One step as printed: number, name, outcome, duration, detail. */
    static String line(int n, JsonNode step) {
        return String.format(Locale.ROOT, "  step %d %-22s %-14s %7s  %s", n, step.path("name").asText(),
                step.path("outcome").asText(), millis(step.path("duration")), step.path("detail").asText(""));
    }

    private void bar(JsonNode status) {
        if (!term.tty()) {
            return;
        }
        for (JsonNode v : status.path("volumes")) {
            long total = v.path("resyncTotalBytes").asLong();
            long done = v.path("resyncDoneBytes").asLong();
            if (!v.path("primary").asText().equals(primary) || total <= 0 || done >= total) {
                continue;
            }
            double rate = v.path("resyncRate").asDouble();
            String line = Progress.bar(v.path("primary").asText() + "/" + v.path("name").asText() + " resync", done, total,
                    rate, term.columns());
            out.print(term.transientLine(line));
            out.flush();
            barShown = true;
            return;
        }
        clearBar();
    }

    private void clearBar() {
        if (barShown) {
            out.print(term.clearTransient());
            barShown = false;
        }
    }

    private static String millis(JsonNode duration) {
        // Jackson writes a Duration as seconds with a fraction, e.g. 0.012345678
        double s = duration.isNumber() ? duration.asDouble() : parseIso(duration.asText(""));
        return s < 10 ? Math.round(s * 1000) + " ms" : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static double parseIso(String text) {
        try {
            return java.time.Duration.parse(text).toNanos() / 1e9;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static JsonNode primaryOf(JsonNode status, String name) {
        for (JsonNode p : status.path("primaries")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (thread != null && thread.isAlive()) {
            stop();
        }
    }
}
