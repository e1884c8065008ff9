package org.understudy.installer.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * A simulated target host for installer tests: an in-process MINA SSHD server on 127.0.0.1 (port 0) whose commands
 * run with {@code sh} on this machine with {@code UNDERSTUDY_TARGET_ROOT} set to the host's own directory, so every
 * path the installer writes lands under that directory. Logins: one authorised public key, or none (refused). Host
 * keys: an ECDSA one, or those given (the first is {@link #hostKey}), as an sshd offering several types.
 */
final class SimHost implements AutoCloseable {
    final String name;
    final Path root;
    final KeyPair hostKey;
    private final SshServer server;
    /** After how many bytes of upstream traffic the next connection through {@link #cutAfter} is cut (once). */
    private final AtomicLong cutAt = new AtomicLong(-1);
    private ServerSocket proxy;

    SimHost(String name, Path root, PublicKey authorised) throws Exception {
        this(name, root, authorised, ecKey());
    }

    SimHost(String name, Path root, PublicKey authorised, KeyPair... hostKeys) throws Exception {
        this.name = name;
        this.root = root;
        Files.createDirectories(root);
        this.hostKey = hostKeys[0];
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
        server.setPublickeyAuthenticator((user, key, session) -> authorised != null && key.equals(authorised));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, command) -> new ShellCommand(command, root));
        server.start();
    }

    static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** An Ed25519 key pair (Bouncy Castle's, as MINA SSHD reads and writes them). */
    static KeyPair ed25519Key() throws Exception {
        return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    }

    int port() {
        return server.getPort();
    }

    /** A known_hosts line for this host with {@code key} (its own, or another to simulate a changed key). */
    String knownHostsLine(PublicKey key) {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(key);
    }

    /** Starts a TCP proxy to the server that cuts the first connection after {@code bytes} sent to the host. */
    int cutAfter(long bytes) throws IOException {
        cutAt.set(bytes);
        proxy = new ServerSocket();
        proxy.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread t = new Thread(() -> {
            while (!proxy.isClosed()) {
                try {
                    Socket c = proxy.accept();
                    Socket s = new Socket("127.0.0.1", port());
                    long limit = cutAt.getAndSet(-1);
                    pump(c, s, limit, List.of(c, s));
                    pump(s, c, -1, List.of(c, s));
                } catch (IOException e) {
                    return;
                }
            }
        }, "cut-proxy");
        t.setDaemon(true);
        t.start();
        return proxy.getLocalPort();
    }

    private static void pump(Socket from, Socket to, long limit, List<Socket> both) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            long n = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    out.write(buf, 0, r);
                    n += r;
                    if (limit >= 0 && n >= limit) {
                        break;
                    }
                }
            } catch (IOException e) {
                // the other direction closed
            }
            for (Socket s : both) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }, "cut-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        server.stop(true);
    }

    /** Runs one exec request with sh under the host's root, pumping the streams. */
    private static final class ShellCommand implements Command {
        private final String command;
        private final Path root;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private Process process;

        ShellCommand(String command, Path root) {
            this.command = command;
            this.root = root;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", command);
            pb.environment().put("UNDERSTUDY_TARGET_ROOT", root.toString());
            process = pb.start();
            Thread feed = new Thread(() -> {
                try (OutputStream p = process.getOutputStream()) {
                    in.transferTo(p);
                } catch (IOException e) {
                    // the process ended or the channel closed
                }
            }, "sim-stdin");
            feed.setDaemon(true);
            feed.start();
            Thread run = new Thread(() -> {
                try {
                    Thread e = new Thread(() -> copy(process.getErrorStream(), err), "sim-stderr");
                    e.start();
                    copy(process.getInputStream(), out);
                    e.join();
                    exit.onExit(process.waitFor());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, "sim-exec");
            run.setDaemon(true);
            run.start();
        }

        private static void copy(InputStream from, OutputStream to) {
            try {
                from.transferTo(to);
                to.flush();
            } catch (IOException e) {
                // channel closed
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            if (process != null) {
                process.destroy();
            }
        }
    }
}
