package org.understudy.installer.deploy;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.understudy.admin.AdminClient;
import org.understudy.admin.Json;
import org.understudy.cli.TextTable;
import org.understudy.config.ClusterConfig;
import org.understudy.installer.dist.Distribution;
import org.understudy.installer.ssh.Remote;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;

/**
 * {@code understudy upgrade}: a rolling upgrade to this distribution. Pre-flight on every node first, including the
 * link protocol check (old and new nodes must speak one replication protocol, or replication would stop midway);
 * then the standby, then each primary in turn: push, switch {@code current}, restart, and wait until the node runs
 * the new version and every primary is protected again before the next one. A primary restarts with its dirty
 * bitmap, so the standby resyncs only what changed; clients that reconnect (qemu's {@code reconnect-delay}) see a
 * pause, not an error; the standby's automatic failover is held off (vault mode) for each primary's restart and
 * switched on again afterwards, so a planned restart is never taken for a failure. The upgrade is refused while the standby stands in for a primary (its restart would cut
 * those clients off: fail back first); fenced or failed primaries are skipped: their hosts get the new version with
 * {@code install} once repaired. Stops at the first failure, after undoing that node's
 * changes (the old version runs again), with the cluster still serving. Not thread-safe.
 */
public final class Upgrader {
    private static final Set<PrimaryState> UP = EnumSet.of(PrimaryState.SYNCING, PrimaryState.PROTECTED, PrimaryState.DEGRADED);
    private static final Set<PrimaryState> STAND_IN = EnumSet.of(PrimaryState.FAILING_OVER, PrimaryState.STANDING_IN,
            PrimaryState.FAILING_BACK);

    private final Installer.Connect connect;
    private final DeployJournal journal;
    private final PrintWriter out;
    private final Duration settle;
    /** The version being rolled out, for the journal. */
    private String version = "";

    public Upgrader(Installer.Connect connect, DeployJournal journal, PrintWriter out, Duration settle) {
        this.connect = connect;
        this.journal = journal;
        this.out = out;
        this.settle = settle;
    }

    public Installer.Report upgrade(ClusterConfig cluster, List<Target> all, Distribution dist) throws IOException {
        Map<String, Long> sent = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        version = dist.id();
        ClusterSnapshot before = standbyStatus(cluster);
        List<String> standIns = before == null ? List.of() : before.primaries().stream()
                .filter(p -> STAND_IN.contains(p.state())).map(p -> p.name() + " (" + p.state() + ")").toList();
        if (!standIns.isEmpty()) {
            // a standby restarted while it stands in stops serving those primaries' volumes: their clients get errors
            String why = "the standby stands in for " + String.join(", ", standIns) + ": restarting it would cut"
                    + " those clients off; fail back first (understudy failback P) and run upgrade again";
            out.println("upgrade refused: " + why);
            journal.record(cluster.standby().name(), "preflight", dist.id(), "refused: " + why);
            return new Installer.Report(false, sent, done, why);
        }
        List<Target> targets = new ArrayList<>();
        for (Target t : all) {
            PrimarySnapshot ps = before == null || t.isStandby() ? null
                    : before.primaries().stream().filter(p -> p.name().equals(t.name())).findFirst().orElse(null);
            if (ps != null && !UP.contains(ps.state())) {
                out.printf("%s: skipped: the standby shows it %s; it gets %s with `understudy install --node %s` once repaired%n",
                        t.name(), ps.state(), dist.version(), t.name());
                journal.record(t.name(), "skip", dist.id(), "skipped: " + ps.state());
                continue;
            }
            targets.add(t);
        }
        Map<Target, Remote> remotes = new LinkedHashMap<>();
        Path archive = null;
        Installer installer = new Installer(connect, journal, out);
        long t0 = System.nanoTime();
        try {
            Map<Target, Probe> probes = installer.preflight(targets, remotes, dist, true);
            if (probes == null) {
                return new Installer.Report(false, sent, done, "pre-flight failed: nothing was changed");
            }
            byte[] clusterBytes = Files.readAllBytes(cluster.file());
            byte[] secretsBytes = Files.readAllBytes(cluster.secrets().file());
            archive = Files.createTempFile("understudy-dist-", ".tar.gz");
            dist.writeArchive(archive);
            for (Target t : probes.keySet()) {
                List<Step> steps = NodePlan.plan(t, probes.get(t), dist, archive, clusterBytes, secretsBytes);
                if (steps.isEmpty()) {
                    out.printf("%s: already runs %s%n", t.name(), dist.id());
                    continue;
                }
                long n0 = System.nanoTime();
                StepRunner runner = new StepRunner();
                // a planned restart is no failure: the standby must not take the primary over while it restarts
                boolean held = !t.isStandby() && holdFailover(cluster, t);
                String settled;
                try {
                    try {
                        runner.apply(remotes.get(t), () -> connect.open(t), t.name(), steps, journal, dist.id(), out);
                        remotes.get(t).run(NodePlan.dropBackups(t), Duration.ofSeconds(60));
                    } catch (StepRunner.StepFailed f) {
                        sent.put(t.name(), runner.sent());
                        out.printf("upgrade stopped at %s (its old version runs again); upgraded: %s%n", t.name(),
                                done.isEmpty() ? "none" : String.join(", ", done));
                        return new Installer.Report(false, sent, done, f.getMessage());
                    }
                    sent.put(t.name(), runner.sent());
                    settled = awaitSettled(cluster, t, dist);
                } finally {
                    if (held) {
                        autoswitch(cluster, true, t);
                    }
                }
                journal.record(t.name(), "settle", dist.id(), settled == null ? "ok" : "failed: " + settled);
                if (settled != null) {
                    out.printf("upgrade stopped after %s: %s; upgraded: %s%n", t.name(), settled, String.join(", ", done));
                    return new Installer.Report(false, sent, done, t.name() + ": " + settled);
                }
                done.add(t.name());
                out.printf(Locale.ROOT, "%s: upgraded to %s in %.1f s%n", t.name(), dist.id(), (System.nanoTime() - n0) / 1e9);
                out.flush();
            }
            out.printf(Locale.ROOT, "rolling upgrade of %d nodes done in %.1f s%n", done.size(), (System.nanoTime() - t0) / 1e9);
            printVersions(cluster, all);
            return new Installer.Report(true, sent, done, null);
        } finally {
            remotes.values().forEach(Remote::close);
            if (archive != null) {
                Files.deleteIfExists(archive);
            }
        }
    }

    /**
     * After a node restarted: waits until it answers with the new version and the standby shows every primary that
     * was up before protected again. Returns null when settled, else why not.
     */
    private String awaitSettled(ClusterConfig cluster, Target t, Distribution dist) {
        long deadline = System.nanoTime() + settle.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            try {
                ClusterSnapshot node = Json.mapper().treeToValue(AdminClient.forNode(cluster, t.name())
                        .getJson("/api/status"), ClusterSnapshot.class);
                ClusterSnapshot sb = standbyStatus(cluster);
                if (!dist.version().equals(node.node().version())) {
                    last = t.name() + " answers version " + node.node().version();
                } else if (sb == null) {
                    last = "the standby does not answer";
                } else {
                    List<String> waiting = sb.primaries().stream()
                            .filter(p -> UP.contains(p.state()) && p.state() != PrimaryState.PROTECTED)
                            .map(p -> p.name() + " " + p.state()).toList();
                    if (waiting.isEmpty()) {
                        return null;
                    }
                    last = "waiting for " + String.join(", ", waiting);
                }
            } catch (Exception e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "not settled within " + settle.toSeconds() + " s (" + last + ")";
    }

    /**
     * Switches automatic failover off on the standby for the primary's restart, if it is on. Returns true when it
     * switched it off (and must switch it on again).
     */
    private boolean holdFailover(ClusterConfig cluster, Target t) {
        ClusterSnapshot sb = standbyStatus(cluster);
        if (sb == null || !sb.failover().autoFailover()) {
            return false;
        }
        return autoswitch(cluster, false, t);
    }

    private boolean autoswitch(ClusterConfig cluster, boolean on, Target t) {
        try {
            var r = AdminClient.forNode(cluster, cluster.standby().name()).postJson("/api/commands/autoswitch",
                    Map.of("enabled", on, "actor", journal.actor(), "via", "cli"));
            boolean ok = "OK".equals(r.path("status").asText());
            out.printf("%s: automatic failover %s for its restart%s%n", t.name(), on ? "back on" : "held off",
                    ok ? "" : " FAILED: " + r.path("message").asText());
            journal.record(t.name(), on ? "failover-resume" : "failover-hold", version, ok ? "ok" : "failed: " + r.path("message").asText());
            return ok;
        } catch (Exception e) {
            out.printf("%s: could not switch automatic failover %s: %s%n", t.name(), on ? "on" : "off", e.getMessage());
            journal.record(t.name(), on ? "failover-resume" : "failover-hold", version, "failed: " + e.getMessage());
            return false;
        }
    }

    private static ClusterSnapshot standbyStatus(ClusterConfig cluster) {
        try {
            return Json.mapper().treeToValue(AdminClient.forNode(cluster, cluster.standby().name()).getJson("/api/status"),
                    ClusterSnapshot.class);
        } catch (Exception e) {
            return null;
        }
    }

    private void printVersions(ClusterConfig cluster, List<Target> all) {
        TextTable table = new TextTable("NODE", "ROLE", "VERSION (from its status)");
        for (Target t : all) {
            String v;
            try {
                v = AdminClient.forNode(cluster, t.name()).getJson("/api/status").path("node").path("version").asText();
            } catch (Exception e) {
                v = "not answering";
            }
            table.row(t.name(), t.role(), v);
        }
        out.print(table.render());
        out.flush();
    }
}
