package org.understudy.installer.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.understudy.config.ClusterConfig;
import org.understudy.installer.deploy.DeployJournal;
import org.understudy.installer.deploy.InstallSettings;
import org.understudy.installer.deploy.StandbyLog;
import org.understudy.installer.deploy.Target;
import org.understudy.installer.deploy.Uninstaller;
import org.understudy.installer.ssh.Remote;
import org.understudy.installer.ssh.SshConnector;
import org.understudy.model.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code understudy uninstall NODE}: stops a node and removes Understudy from its host. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = {"Stop NODE and remove Understudy from its host (versions, service, cluster file, secrets)."
                + " Its state directory and volumes stay unless --purge. Remove the node from the cluster file and run"
                + " install again so the standby stops protecting it."})
public final class UninstallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Parameters(paramLabel = "NODE", description = "The node to uninstall.")
    String node;

    @Option(names = "--purge", description = "Also remove the state directory, the volume files and the service user.")
    boolean purge;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Connection.Loaded loaded = connection.load(err, "uninstall");
        if (loaded == null) {
            return 2;
        }
        ClusterConfig cluster = loaded.cluster();
        InstallSettings settings = loaded.settings();
        Target t = Target.all(cluster, settings).stream().filter(x -> x.name().equals(node)).findFirst().orElse(null);
        if (t == null) {
            err.println("uninstall: " + cluster.file() + " has no node called " + node);
            return 2;
        }
        DeployJournal journal = new DeployJournal(DeployJournal.operator(), "uninstall");
        boolean ok;
        try (SshConnector ssh = connection.connector(settings); Remote r = ssh.connect(t.name(), t.sshHost(), t.sshPort())) {
            ok = new Uninstaller(journal, out).uninstall(r, t, Version.current(), purge);
        } finally {
            journal.deliver(out, StandbyLog.both(cluster, settings.serviceUser()));
        }
        return ok ? 0 : 1;
    }
}
