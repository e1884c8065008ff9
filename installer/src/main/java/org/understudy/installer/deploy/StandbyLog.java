package org.understudy.installer.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.understudy.admin.AdminClient;
import org.understudy.config.ClusterConfig;
import org.understudy.events.StoredEventLog;
import org.understudy.events.EventLogRecorder;
import org.understudy.events.Retention;

/**
 * The two ways deploy steps reach the standby's event log: its admin API ({@code POST /api/deploy-steps}) while it
 * runs, or its state directory's Derby database directly while it does not (the installer runs on the standby; the
 * files written are then given to the service user). Stateless.
 */
public final class StandbyLog {
    private StandbyLog() {
    }

    /** Through the running standby's admin API. */
    public static DeployJournal.Sink api(ClusterConfig cluster) {
        return rows -> {
            AdminClient client = AdminClient.forNode(cluster, cluster.standby().name());
            client.getJson("/api/status"); // fails fast when the standby is not there
            for (DeployJournal.Row r : rows) {
                client.postJson("/api/deploy-steps", Map.of("actor", r.actor(), "action", r.action(), "node", r.node(),
                        "step", r.step(), "version", r.version(), "outcome", r.outcome()));
            }
            return rows.size() + " steps written to the standby's event log (understudy events --primary NODE)";
        };
    }

    /**
     * Into {@code stateDir}'s event log on this host (created if there is none yet), then owned by {@code user} so
     * the standby can open it.
     */
    public static DeployJournal.Sink offline(Path stateDir, String user) {
        return rows -> {
            if (!Files.isDirectory(stateDir.getParent() == null ? stateDir : stateDir.getParent())) {
                throw new IOException(stateDir + " is not on this host (run the installer on the standby)");
            }
            Files.createDirectories(stateDir);
            try (StoredEventLog log = StoredEventLog.open(stateDir, Retention.DEFAULT,
                    Clock.systemUTC(), (period, task) -> () -> { })) {
                EventLogRecorder rec = new EventLogRecorder(log, Clock.systemUTC());
                for (DeployJournal.Row r : rows) {
                    rec.recordDeployStep(r.actor(), r.action(), r.node(), r.step(), r.version(), r.outcome());
                }
            }
            chown(stateDir, user);
            return rows.size() + " steps written to the standby's event log in " + stateDir
                    + " (understudy events --state-dir " + stateDir + ")";
        };
    }

    private static void chown(Path stateDir, String user) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        Process p = new ProcessBuilder("sh", "-c", "id -u \"$1\" >/dev/null 2>&1 || exit 0; chown \"$1:\" \"$2\"; "
                + "chown -R \"$1:\" \"$2/events\" \"$2/derby.log\" 2>/dev/null; exit 0", "sh", user, stateDir.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

    /** Both, in order: the API first, the state directory if the standby does not answer. */
    public static List<DeployJournal.Sink> both(ClusterConfig cluster, String user) {
        return List.of(api(cluster), offline(cluster.standby().stateDir(), user));
    }
}
