package org.understudy.installer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import org.understudy.installer.deploy.InstallSettings;
import org.understudy.installer.ssh.SshConnector;
import picocli.CommandLine.Option;

/** The options every installer command shares: the cluster file and how to reach the hosts over SSH. */
public final class Connection {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The cluster file (install.yaml beside it says where things go).")
    Path config;

    @Option(names = "--accept-new-host-keys", description = "Accept and remember host keys not in known_hosts yet"
            + " (check their fingerprints). A changed key is always refused.")
    boolean acceptNew;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts file (default ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE", description = "Private key to log in with (default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa).")
    List<Path> identities = new ArrayList<>();

    SshConnector connector(InstallSettings s) {
        SshConnector.Options d = SshConnector.Options.defaults(acceptNew, s.sshUser());
        return new SshConnector(new SshConnector.Options(knownHosts == null ? d.knownHosts() : knownHosts, acceptNew,
                identities.isEmpty() ? d.identities() : identities, s.sshUser(), d.connectTimeout()));
    }

    /** The cluster file and install.yaml, read and checked. */
    record Loaded(ClusterConfig cluster, InstallSettings settings) {
    }

    /** Reads both, or prints what is wrong (for {@code command}) and returns null: exit code 2. */
    Loaded load(PrintWriter err, String command) throws IOException {
        try {
            return new Loaded(ClusterConfigLoader.load(config), InstallSettings.besides(config));
        } catch (ConfigException e) {
            err.println(command + ": invalid configuration in " + e.file() + ":");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return null;
        }
    }
}
