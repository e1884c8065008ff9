package org.understudy.installer.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.understudy.config.ClusterConfig;
import org.understudy.installer.deploy.DeployJournal;
import org.understudy.installer.deploy.InstallSettings;
import org.understudy.installer.deploy.Installer;
import org.understudy.installer.deploy.StandbyLog;
import org.understudy.installer.deploy.Target;
import org.understudy.installer.deploy.Upgrader;
import org.understudy.installer.dist.Distribution;
import org.understudy.installer.dist.RuntimeImage;
import org.understudy.installer.ssh.SshConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code understudy upgrade}: rolls this distribution onto a running cluster, the standby first. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Rolling upgrade to this distribution: checks every node and the link protocol first, then the"
                + " standby and each primary in turn (push, switch, restart, wait until protected again). Stops at the"
                + " first failure with that node back on its old version and the cluster serving."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every reachable node runs the new version", "1:pre-flight or a node failed", "2:configuration"})
public final class UpgradeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Option(names = "--settle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long a restarted node may take to be protected again (default ${DEFAULT-VALUE}).")
    long settleSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Connection.Loaded loaded = connection.load(err, "upgrade");
        if (loaded == null) {
            return 2;
        }
        ClusterConfig cluster = loaded.cluster();
        InstallSettings settings = loaded.settings();
        RuntimeImage.ensure(Distribution.running().dir(), out);
        Distribution dist = Distribution.running();
        DeployJournal journal = new DeployJournal(DeployJournal.operator(), "upgrade");
        Installer.Report report;
        try (SshConnector ssh = connection.connector(settings)) {
            report = new Upgrader(t -> ssh.connect(t.name(), t.sshHost(), t.sshPort()), journal, out,
                    Duration.ofSeconds(settleSeconds)).upgrade(cluster, Target.all(cluster, settings), dist);
        } finally {
            journal.deliver(out, StandbyLog.both(cluster, settings.serviceUser()));
        }
        if (!report.ok()) {
            err.println("upgrade: " + report.failure());
            err.flush();
            return 1;
        }
        out.println("bytes sent per node: " + report.sentPerNode());
        out.flush();
        return 0;
    }
}
