package org.understudy.installer.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.understudy.config.ClusterConfig;
import org.understudy.installer.deploy.DeployJournal;
import org.understudy.installer.deploy.InstallSettings;
import org.understudy.installer.deploy.Installer;
import org.understudy.installer.deploy.StandbyLog;
import org.understudy.installer.deploy.SyncWatch;
import org.understudy.installer.deploy.Target;
import org.understudy.installer.dist.Distribution;
import org.understudy.installer.dist.RuntimeImage;
import org.understudy.installer.ssh.SshConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code understudy install}: sets up (or brings up to date) every node of the cluster file over SSH. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install the cluster from this host (the standby): pre-flight checks on every node, then push"
                + " this distribution with its own Java runtime, the cluster file, the secrets and the service, start"
                + " the nodes and show the initial sync. Re-running does only what differs; a failure undoes that"
                + " host's changes. Add a node by adding it to the cluster file and running install again."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:installed (and in sync unless --no-wait)", "1:pre-flight or a step failed, or sync did not finish",
                "2:the configuration or the command line is wrong"})
public final class InstallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Option(names = "--dry-run", description = "Print the pre-flight table and what would be done; change nothing.")
    boolean dryRun;

    @Option(names = "--node", paramLabel = "NAME", description = "Only these nodes (repeatable; default: all).")
    List<String> nodes;

    @Option(names = "--no-wait", description = "Do not wait for the initial sync.")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Connection.Loaded loaded = connection.load(err, "install");
        if (loaded == null) {
            return 2;
        }
        ClusterConfig cluster = loaded.cluster();
        InstallSettings settings = loaded.settings();
        List<Target> targets = Target.all(cluster, settings).stream()
                .filter(t -> nodes == null || nodes.contains(t.name())).toList();
        if (targets.isEmpty()) {
            err.println("install: no node of " + cluster.file() + " is called " + nodes);
            return 2;
        }
        if (!dryRun) {
            RuntimeImage.ensure(Distribution.running().dir(), out);
        }
        Distribution dist = Distribution.running();
        DeployJournal journal = new DeployJournal(DeployJournal.operator(), "install");
        Installer.Report report;
        try (SshConnector ssh = connection.connector(settings)) {
            Installer installer = new Installer(t -> ssh.connect(t.name(), t.sshHost(), t.sshPort()), journal, out);
            report = installer.install(cluster, targets, dist, dryRun);
        } finally {
            if (!dryRun) {
                journal.deliver(out, StandbyLog.both(cluster, settings.serviceUser()));
            }
        }
        if (!report.ok()) {
            err.println("install: " + report.failure());
            err.flush();
            return 1;
        }
        out.println("bytes sent per node: " + report.sentPerNode());
        if (dryRun || noWait) {
            out.flush();
            return 0;
        }
        List<String> primaries = targets.stream().filter(t -> !t.isStandby()).map(Target::name).toList();
        boolean synced = new SyncWatch(cluster, out, System::nanoTime, Duration.ofSeconds(2), Duration.ofSeconds(120))
                .await(primaries.isEmpty() ? cluster.primaries().stream().map(p -> p.name()).toList() : primaries);
        if (cluster.standby().jmx() != null) {
            out.println("JConsole: jconsole " + cluster.standby().jmx().serviceUrl());
        }
        out.println("status: understudy status --config " + cluster.file());
        out.flush();
        return synced ? 0 : 1;
    }
}
