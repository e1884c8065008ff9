package org.understudy.jmx;

import java.io.IOException;
import java.net.InetAddress;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.JmxConfig;
import org.understudy.config.JmxSecrets;
import org.understudy.security.AuthFailures;

/**
 * The JMX remote connector of one node: an RMI registry and the RMI connector server sharing one configured
 * address and port (one firewall hole), password logins with monitor and operator roles, TLS when configured.
 * Clients use {@link JmxConfig#serviceUrl()}. Not thread-safe: started and closed by the face.
 */
final class RemoteConnector implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RemoteConnector.class);
    static final String BINDING = "jmxrmi";

    private final String node;
    private final Registry registry;
    private final RMIConnectorServer server;

    private RemoteConnector(String node, Registry registry, RMIConnectorServer server) {
        this.node = node;
        this.registry = registry;
        this.server = server;
    }

    static RemoteConnector start(String node, JmxConfig config, JmxSecrets secrets, MBeanServer mbs,
                                 AuthFailures failures) throws Exception {
        String host = config.endpoint().host();
        int port = config.endpoint().port();
        InetAddress address = InetAddress.getByName(host);
        SSLContext tls = config.tls() == null ? null : TlsContexts.load(config.tls(), secrets);
        RMIClientSocketFactory csf = tls == null ? null : new SslRMIClientSocketFactory();
        BoundServerSocketFactory ssf = new BoundServerSocketFactory(address, tls, config.tls() != null && config.tls().clientAuth());
        advertise(node, host);

        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnectorServer.AUTHENTICATOR, new PasswordAuthenticator(node, secrets.users(), failures));
        Registry registry = LocateRegistry.createRegistry(port, csf, ssf);
        try {
            RMIJRMPServerImpl impl = new RMIJRMPServerImpl(port, csf, ssf, env);
            RMIConnectorServer server = new RMIConnectorServer(new JMXServiceURL("rmi", host, port), env, impl, mbs);
            server.setMBeanServerForwarder(AccessForwarder.create(node));
            server.start();
            try {
                registry.bind(BINDING, impl.toStub());
            } catch (Exception e) {
                server.stop();
                throw e;
            }
            LOG.info("{}: jmx connector listening on {}:{}{} for {} login(s): {}", node, host, port, tls == null ? "" : " over TLS",
                    secrets.users().size(), config.serviceUrl());
            return new RemoteConnector(node, registry, server);
        } catch (Exception e) {
            unexport(registry);
            throw e;
        }
    }

    /**
     * RMI stubs carry the host name clients call back on: it must be the configured address, not whatever this
     * machine's name resolves to. One JVM has one such setting; an operator's own setting wins.
     */
    private static void advertise(String node, String host) {
        String current = System.getProperty("java.rmi.server.hostname");
        if (current == null) {
            System.setProperty("java.rmi.server.hostname", host);
        } else if (!current.equals(host)) {
            LOG.warn("{}: java.rmi.server.hostname is {}, not the jmx address {}: clients will be sent to {}", node, current, host, current);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            LOG.warn("{}: stopping the jmx connector: {}", node, e.toString());
        }
        unexport(registry);
    }

    private static void unexport(Registry registry) {
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (NoSuchObjectException ignored) {
            // already gone
        }
    }
}
