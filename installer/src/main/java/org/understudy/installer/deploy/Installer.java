package org.understudy.installer.deploy;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.ClusterConfig;
import org.understudy.installer.dist.Distribution;
import org.understudy.installer.ssh.Remote;

/**
 * {@code understudy install}: pre-flight on every node before any change (one table), then per node — the standby
 * first — only the steps that differ ({@link NodePlan}), each undone on that host if a later one fails. A run where
 * every node is as wanted changes nothing. Every step goes to the {@link DeployJournal}. Not thread-safe.
 */
public final class Installer {
    private static final Logger LOG = LogManager.getLogger(Installer.class);

    /** Connects to a node's host. */
    @FunctionalInterface
    public interface Connect {
        Remote open(Target t) throws IOException;
    }

    /** What the run did, for the caller and the figures: bytes sent per node, nodes changed, outcome. */
    public record Report(boolean ok, Map<String, Long> sentPerNode, List<String> changed, String failure) {
    }

    private final Connect connect;
    private final DeployJournal journal;
    private final PrintWriter out;

    public Installer(Connect connect, DeployJournal journal, PrintWriter out) {
        this.connect = connect;
        this.journal = journal;
        this.out = out;
    }

    /**
     * Installs {@code dist} on {@code targets} (the standby, if among them, first).
     *
     * @param dryRun print the pre-flight table and each node's plan, change nothing
     */
    public Report install(ClusterConfig cluster, List<Target> targets, Distribution dist, boolean dryRun) throws IOException {
        Map<String, Long> sent = new LinkedHashMap<>();
        List<String> changed = new ArrayList<>();
        Map<Target, Remote> remotes = new LinkedHashMap<>();
        Path archive = null;
        try {
            Map<Target, Probe> probes = preflight(targets, remotes, dist, false);
            if (probes == null) {
                return new Report(false, sent, changed, "pre-flight failed: nothing was changed");
            }
            byte[] clusterBytes = Files.readAllBytes(cluster.file());
            byte[] secretsBytes = Files.readAllBytes(cluster.secrets().file());
            archive = Files.createTempFile("understudy-dist-", ".tar.gz");
            dist.writeArchive(archive);
            Map<Target, List<Step>> plans = new LinkedHashMap<>();
            for (Target t : probes.keySet()) {
                plans.put(t, NodePlan.plan(t, probes.get(t), dist, archive, clusterBytes, secretsBytes));
            }
            if (dryRun) {
                printPlans(plans, dist);
                return new Report(true, sent, changed, null);
            }
            for (Map.Entry<Target, List<Step>> e : plans.entrySet()) {
                Target t = e.getKey();
                List<Step> steps = e.getValue();
                if (steps.isEmpty()) {
                    out.printf("%s: nothing to do (%s installed and running, files as wanted)%n", t.name(), dist.id());
                    journal.record(t.name(), "check", dist.id(), "nothing to do");
                    continue;
                }
                StepRunner runner = new StepRunner();
                try {
                    runner.apply(remotes.get(t), () -> connect.open(t), t.name(), steps, journal, dist.id(), out);
                    remotes.get(t).run(NodePlan.dropBackups(t), java.time.Duration.ofSeconds(60));
                    changed.add(t.name());
                } catch (StepRunner.StepFailed f) {
                    sent.put(t.name(), runner.sent());
                    out.printf("install stopped at %s. Installed in this run: %s; not touched: %s%n", t.name(),
                            changed.isEmpty() ? "none" : String.join(", ", changed), rest(plans, t));
                    return new Report(false, sent, changed, f.getMessage());
                } finally {
                    sent.putIfAbsent(t.name(), runner.sent());
                }
                out.printf(Locale.ROOT, "%s: installed %s (%s sent)%n", t.name(), dist.id(), Preflight.mib(sent.get(t.name())));
            }
            out.flush();
            return new Report(true, sent, changed, null);
        } finally {
            remotes.values().forEach(Remote::close);
            if (archive != null) {
                Files.deleteIfExists(archive);
            }
        }
    }

    /**
     * Connects to and probes every target, prints the table of checks, records each node's outcome. Returns the
     * probes (the connections in {@code remotes}), or null when a check failed: then nothing was changed anywhere.
     */
    Map<Target, Probe> preflight(List<Target> targets, Map<Target, Remote> remotes, Distribution dist, boolean upgrade) {
        List<Check> checks = new ArrayList<>();
        Map<Target, Probe> probes = new LinkedHashMap<>();
        for (Target t : targets) {
            try {
                Remote r = connect.open(t);
                remotes.put(t, r);
                checks.add(Check.pass(t.name(), "ssh", r.where()));
                Probe p = Probe.of(r, t);
                probes.put(t, p);
                checks.addAll(Preflight.check(t, p, dist, upgrade));
            } catch (IOException e) {
                LOG.warn("{}: pre-flight: {}", t.name(), e.getMessage());
                checks.add(Check.fail(t.name(), "ssh", StepRunner.oneLine(e.getMessage())));
            }
        }
        out.println(Check.table(checks));
        boolean ok = checks.stream().allMatch(Check::ok);
        for (Target t : targets) {
            List<String> failed = checks.stream().filter(c -> c.node().equals(t.name()) && !c.ok())
                    .map(c -> c.what() + ": " + c.detail()).toList();
            journal.record(t.name(), "preflight", dist.id(), failed.isEmpty() ? "ok" : "failed: " + StepRunner.oneLine(String.join("; ", failed)));
        }
        if (!ok) {
            out.println("pre-flight failed (" + checks.stream().filter(c -> !c.ok()).count()
                    + " checks above): nothing was changed on any node. Fix what the DETAIL column says and run again.");
            out.flush();
            return null;
        }
        out.flush();
        return probes;
    }

    private void printPlans(Map<Target, List<Step>> plans, Distribution dist) {
        out.println("plan (--dry-run: nothing is changed):");
        for (Map.Entry<Target, List<Step>> e : plans.entrySet()) {
            if (e.getValue().isEmpty()) {
                out.printf("  %s: nothing to do (%s installed and running)%n", e.getKey().name(), dist.id());
            }
            for (Step s : e.getValue()) {
                out.printf("  %s: %s%n", e.getKey().name(), s.describe());
            }
        }
        out.flush();
    }

    private static String rest(Map<Target, List<Step>> plans, Target failed) {
        List<String> l = new ArrayList<>();
        boolean after = false;
        for (Target t : plans.keySet()) {
            if (after) {
                l.add(t.name());
            }
            after |= t == failed;
        }
        return l.isEmpty() ? "none" : String.join(", ", l);
    }
}
