package org.understudy.installer.deploy;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Every install, upgrade and uninstall step, for the standby's event log (who, which node, which version, outcome).
 * Rows are kept in order and delivered by {@link #deliver} at the end of the command, failed or not: to the running
 * standby through its admin API, or, when the standby does not run (a first install, the standby's own upgrade),
 * straight into its state directory's event log, where {@code understudy events --state-dir} and the standby itself
 * read them. Thread-safe.
 */
public final class DeployJournal {
    /** One row. */
    public record Row(String actor, String action, String node, String step, String version, String outcome) {
    }

    /** Where rows go. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Stores the rows; returns a sentence saying where they went.
         *
         * @throws Exception when they could not be stored
         */
        String store(List<Row> rows) throws Exception;
    }

    private final String actor;
    private final String action;
    private final List<Row> rows = new ArrayList<>();

    public DeployJournal(String actor, String action) {
        this.actor = actor;
        this.action = action;
    }

    /** The operator running the installer: the login behind sudo when there is one. */
    public static String operator() {
        String sudo = System.getenv("SUDO_USER");
        return sudo != null && !sudo.isBlank() ? sudo : System.getProperty("user.name", "unknown");
    }

    /** Who runs the installer. */
    public String actor() {
        return actor;
    }

    public synchronized void record(String node, String step, String version, String outcome) {
        rows.add(new Row(actor, action, node, step, version, outcome));
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Hands every row to the first sink that takes them; says where they went (or prints them if none did). */
    public synchronized void deliver(PrintWriter out, List<Sink> sinks) {
        if (rows.isEmpty()) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (Sink s : sinks) {
            try {
                out.println(s.store(List.copyOf(rows)));
                rows.clear();
                out.flush();
                return;
            } catch (Exception e) {
                failures.add(e.getMessage());
            }
        }
        out.println("could not write these steps to the standby's event log (" + String.join("; ", failures) + "):");
        for (Row r : rows) {
            out.println("  " + r);
        }
        out.flush();
    }
}
