package org.understudy.installer.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

/**
 * Opens SSH sessions to the cluster's hosts with Apache MINA SSHD. Host keys are checked against a known_hosts file:
 * a changed key is always refused; an unknown key is refused unless the operator consented to new keys
 * ({@code --accept-new-host-keys}), in which case it is added to the file; a host is asked first for the key types
 * known_hosts holds for it. Logins use the operator's key files. Ed25519, ECDSA and RSA keys work, for logins and
 * hosts (Ed25519 through Bouncy Castle, which MINA SSHD finds on the class path).
 * Thread-safe; close it once at the end.
 */
public final class SshConnector implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(SshConnector.class);

    /**
     * @param knownHosts     the known_hosts file (created when a new key is accepted)
     * @param acceptNewKeys  the operator consents to keys not in known_hosts (never to changed ones)
     * @param identities     private key files to log in with
     * @param user           login name on every host (root, or a user with passwordless sudo)
     * @param connectTimeout limit for connecting and authenticating
     */
    public record Options(Path knownHosts, boolean acceptNewKeys, List<Path> identities, String user,
                          Duration connectTimeout) {
        public Options {
            identities = List.copyOf(identities);
        }

        /** The usual files of the user running the installer: ~/.ssh/known_hosts and ~/.ssh/id_{ed25519,ecdsa,rsa}. */
        public static Options defaults(boolean acceptNewKeys, String user) {
            return defaults(Path.of(System.getProperty("user.home"), ".ssh"), acceptNewKeys, user);
        }

        /** {@code ssh}/known_hosts and those of {@code ssh}/id_ed25519, id_ecdsa, id_rsa that exist, in that order. */
        public static Options defaults(Path ssh, boolean acceptNewKeys, String user) {
            List<Path> ids = List.of("id_ed25519", "id_ecdsa", "id_rsa").stream().map(ssh::resolve)
                    .filter(Files::isRegularFile).toList();
            return new Options(ssh.resolve("known_hosts"), acceptNewKeys, ids, user, Duration.ofSeconds(15));
        }
    }

    private final Options options;
    private final SshClient client;
    /** Why a host key was refused, per remote address, so the failed connect can say it. */
    private final Map<String, String> refusals = new ConcurrentHashMap<>();

    public SshConnector(Options options) {
        this.options = options;
        this.client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new Verifier(options.knownHosts(), options.acceptNewKeys()));
        client.addSessionListener(new HostKeyPreference());
        if (!options.identities().isEmpty()) {
            client.setKeyIdentityProvider(new FileKeyPairProvider(options.identities()));
        }
        client.start();
    }

    public Options options() {
        return options;
    }

    /**
     * Connects and logs in to {@code host:port} for {@code node}.
     *
     * @throws HostKeyRefusedException when the host key is unknown without consent or changed
     * @throws IOException             when the host cannot be reached or refuses the login
     */
    public Remote connect(String node, String host, int port) throws IOException {
        String where = options.user() + "@" + host + ":" + port;
        AttributeRepository context;
        try {
            context = HostKeyPreference.context(options.knownHosts(), host, port);
        } catch (IOException | RuntimeException e) {
            throw new IOException(node + ": cannot read " + options.knownHosts() + ": " + e.getMessage(), e);
        }
        ClientSession session = null;
        try {
            session = client.connect(options.user(), host, port, context, null).verify(options.connectTimeout()).getSession();
            session.auth().verify(options.connectTimeout());
            LOG.info("{}: logged in to {}", node, where);
            return new SshRemote(node, where, session, !"root".equals(options.user()));
        } catch (IOException e) {
            if (session != null) {
                session.close(true);
            }
            String refusal = refusals.remove(host + ":" + port);
            if (refusal != null) {
                throw new HostKeyRefusedException(node + ": " + refusal);
            }
            String m = String.valueOf(e.getMessage());
            if (e instanceof SshException && (m.contains("authentication") || m.contains("No more authentication"))) {
                throw new IOException(node + ": " + where + " refused the login (keys tried: "
                        + (options.identities().isEmpty() ? "none found in ~/.ssh" : options.identities())
                        + "); add the installer's public key to " + options.user() + "'s authorized_keys there", e);
            }
            throw new IOException(node + ": cannot reach " + where + ": " + m, e);
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (RuntimeException e) {
            LOG.debug("SSH client stop: {}", e.toString());
        }
    }

    private static String hostPort(SocketAddress remote) {
        String s = remote.toString();
        int slash = s.indexOf('/');
        return slash >= 0 ? s.substring(slash + 1) : s;
    }

    /** known_hosts checking that remembers why it refused, for a message that tells the operator what to do. */
    private final class Verifier extends KnownHostsServerKeyVerifier {
        private final boolean acceptNew;

        Verifier(Path file, boolean acceptNew) {
            super(acceptNew ? AcceptAllServerKeyVerifier.INSTANCE : RejectAllServerKeyVerifier.INSTANCE, file);
            this.acceptNew = acceptNew;
        }

        @Override
        protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
            if (!acceptNew) {
                refusals.put(hostPort(remote), "the host key of " + hostPort(remote) + " (" + KeyUtils.getFingerPrint(key)
                        + ") is not in " + getPath() + "; check the fingerprint on the host (ssh-keygen -lf"
                        + " /etc/ssh/ssh_host_*_key.pub) and run again with --accept-new-host-keys, or add it to known_hosts");
                return false;
            }
            LOG.info("accepting the new host key of {} ({}) and adding it to {}", hostPort(remote),
                    KeyUtils.getFingerPrint(key), getPath());
            return super.acceptUnknownHostKey(session, remote, key);
        }

        @Override
        public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
                                               PublicKey expected, PublicKey actual) {
            refusals.put(hostPort(remote), "the host key of " + hostPort(remote) + " CHANGED: known_hosts says "
                    + KeyUtils.getFingerPrint(expected) + ", the host offers " + KeyUtils.getFingerPrint(actual)
                    + "; refused (someone may be in the middle). If the host was reinstalled, remove its line from "
                    + getPath() + " and check the new fingerprint");
            return false;
        }
    }
}
