package org.understudy.installer.deploy;

import static org.understudy.installer.ssh.Shell.path;
import static org.understudy.installer.ssh.Shell.quote;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.understudy.installer.ssh.Remote;

/**
 * {@code understudy uninstall NODE}: stops the node's service and removes what the installer put on its host (the
 * versions, the {@code current} link, the unit or fallback settings, the cluster file and secrets). The state
 * directory and the volumes hold data and stay, unless {@code purge} (which also removes the service user). Each
 * step is recorded; nothing is undone (every step brings the host nearer to clean). Not thread-safe.
 */
public final class Uninstaller {
    private final DeployJournal journal;
    private final PrintWriter out;

    public Uninstaller(DeployJournal journal, PrintWriter out) {
        this.journal = journal;
        this.out = out;
    }

    /** Returns true when every step succeeded. */
    public boolean uninstall(Remote remote, Target t, String version, boolean purge) throws IOException {
        List<Step> steps = new ArrayList<>();
        steps.add(Step.simple("stop", "stop the " + t.role(), "if [ -x " + path(t.serviceScript()) + " ] && [ -f "
                + path(t.envFile()) + " ]; then " + NodePlan.serviceScript(t, "stop") + "; fi"));
        steps.add(Step.simple("service", "remove the unit and service settings", "if [ -f " + path(t.unitFile())
                + " ]; then systemctl disable " + t.unitName() + " 2>/dev/null; rm -f " + path(t.unitFile())
                + "; systemctl daemon-reload 2>/dev/null; fi; rm -f " + path(t.envFile())));
        steps.add(Step.simple("files", "remove " + t.settings().installDir() + ", the cluster file and the secrets",
                "rm -rf " + path(t.settings().installDir()) + " && rm -f " + path(t.clusterFile()) + " "
                        + path(t.secretsFile()) + " && rmdir " + path(t.settings().configDir()) + " 2>/dev/null; true"));
        if (purge) {
            StringBuilder data = new StringBuilder("rm -rf " + path(t.stateDir()));
            t.volumes().stream().filter(v -> !v.path().startsWith("/dev/")).forEach(v -> data.append(' ').append(path(v.path())));
            steps.add(Step.simple("data", "remove the state directory and the volume files (--purge)", data.toString()));
            steps.add(Step.simple("user", "remove the service user (--purge)", "userdel " + quote(t.settings().serviceUser())
                    + " 2>/dev/null; true"));
        }
        boolean ok = true;
        for (Step s : steps) {
            Remote.Result r = remote.run(s.script(), Duration.ofMinutes(2));
            String outcome = r.ok() ? "ok" : "failed: " + StepRunner.oneLine(r.text());
            out.printf("%s: %s: %s%n", t.name(), s.describe(), outcome);
            journal.record(t.name(), s.name(), version, outcome);
            ok &= r.ok();
        }
        if (!purge) {
            out.printf("%s: kept %s and the volumes (data); `uninstall --purge` removes them%n", t.name(), t.stateDir());
        }
        out.flush();
        return ok;
    }
}
