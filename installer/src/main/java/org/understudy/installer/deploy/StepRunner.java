package org.understudy.installer.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.installer.ssh.Remote;

/**
 * Applies one node's steps in order; on the first failure undoes, in reverse order, what this run changed on that
 * host (over a new connection when the failure was a lost connection) and says so. Every step and every undo is
 * printed and recorded in the journal. Not thread-safe: one node at a time.
 */
public final class StepRunner {
    private static final Logger LOG = LogManager.getLogger(StepRunner.class);
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);

    /** Opens a fresh connection to a node (for an undo after the old one broke). */
    @FunctionalInterface
    public interface Reconnect {
        Remote open() throws IOException;
    }

    /** Bytes the steps fed to the host (the distribution, the files). */
    private long sent;

    /** Thrown when a step failed; its undo has run already. */
    public static final class StepFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message);
        }
    }

    public long sent() {
        return sent;
    }

    /**
     * Runs {@code steps} on {@code remote}.
     *
     * @throws StepFailed after undoing this run's changes on the host
     */
    public void apply(Remote remote, Reconnect reconnect, String node, List<Step> steps, DeployJournal journal,
                      String version, PrintWriter out) throws StepFailed {
        List<Done> done = new ArrayList<>();
        for (Step s : steps) {
            out.printf(Locale.ROOT, "%s: %s ...%n", node, s.describe());
            out.flush();
            long t0 = System.nanoTime();
            String failure;
            try {
                Remote.Result r;
                if (s.data() != null) {
                    try (InputStream in = s.data().open()) {
                        r = remote.pipe(s.script(), in, STEP_TIMEOUT);
                    }
                } else {
                    r = remote.run(s.script(), STEP_TIMEOUT);
                }
                sent += r.sent();
                if (r.ok()) {
                    done.add(new Done(s, r));
                    out.printf(Locale.ROOT, "%s: %s ok (%.1f s%s)%n", node, s.name(), (System.nanoTime() - t0) / 1e9,
                            r.sent() > 0 ? ", " + Preflight.mib(r.sent()) + " sent" : "");
                    journal.record(node, s.name(), version, "ok");
                    continue;
                }
                failure = r.text();
            } catch (IOException e) {
                failure = e.getMessage();
            }
            LOG.warn("{}: step {} failed: {}", node, s.name(), failure);
            out.printf("%s: %s FAILED: %s%n", node, s.name(), failure);
            journal.record(node, s.name(), version, "failed: " + oneLine(failure));
            if (s.cleanup() != null) {
                // the failed step's own leftovers (a half-pushed copy) go first, as an undo step of its own
                done.add(new Done(new Step(s.name() + " leftovers", s.describe(), "true", null, r -> s.cleanup()),
                        new Remote.Result(0, "", "", 0)));
            }
            undo(remote, reconnect, node, done, journal, version, out);
            throw new StepFailed(node + ": " + s.name() + " failed: " + oneLine(failure));
        }
    }

    private void undo(Remote remote, Reconnect reconnect, String node, List<Done> done, DeployJournal journal,
                      String version, PrintWriter out) {
        if (done.stream().noneMatch(d -> d.step.undo() != null)) {
            out.printf("%s: nothing had been changed on this host%n", node);
            return;
        }
        Remote r = remote;
        boolean fresh = false;
        try {
            for (Done d : done.reversed()) {
                String script = d.step.undo() == null ? null : d.step.undo().apply(d.result);
                if (script == null) {
                    continue;
                }
                Remote.Result res;
                try {
                    res = r.run(script, STEP_TIMEOUT);
                } catch (IOException lost) {
                    if (fresh) {
                        throw lost;
                    }
                    out.printf("%s: connection lost (%s); reconnecting to undo%n", node, lost.getMessage());
                    r = reconnect.open();
                    fresh = true;
                    res = r.run(script, STEP_TIMEOUT);
                }
                String outcome = res.ok() ? "undone" : "undo failed: " + oneLine(res.text());
                out.printf("%s: %s %s%n", node, d.step.name(), outcome);
                journal.record(node, d.step.name(), version, outcome);
            }
            out.printf("%s: this run's changes on the host were undone%n", node);
        } catch (IOException e) {
            out.printf("%s: could not undo (%s): the next install run finishes or replaces what is there%n", node,
                    e.getMessage());
            journal.record(node, "undo", version, "failed: " + oneLine(e.getMessage()));
        } finally {
            if (fresh) {
                r.close();
            }
        }
    }

    static String oneLine(String s) {
        String t = s == null ? "" : s.strip().replaceAll("\\s*\\n\\s*", " | ");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    private record Done(Step step, Remote.Result result) {
    }
}
