package org.understudy.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.JmxConfig;
import org.understudy.config.JmxSecrets;
import org.understudy.config.Secrets;
import org.understudy.face.FaceContext;

/**
 * The connector over TLS (registry included) with a key store made by keytool: a client trusting the node's
 * certificate logs in; a plain-RMI client gets nowhere. Sets this test JVM's default SSLContext (no other unit
 * test uses TLS).
 */
class TlsConnectorTest {
    private static final String STORE_PASSWORD = "store-pass-123";
    @TempDir
    Path dir;
    private final FakeNode node = new FakeNode();
    private JmxFace face;
    private JmxConfig config;

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("keytool " + List.of(args) + " failed: " + out);
        }
    }

    @BeforeEach
    void start() throws Exception {
        Path keys = dir.resolve("node.p12");
        Path cert = dir.resolve("node.crt");
        Path trust = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keys.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-alias", "node", "-keystore", keys.toString(), "-storepass", STORE_PASSWORD, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "node", "-file", cert.toString(), "-storetype", "PKCS12", "-keystore",
                trust.toString(), "-storepass", STORE_PASSWORD);
        SSLContext.setDefault(clientContext(trust));

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        config = new JmxConfig(new Endpoint("127.0.0.1", port), new JmxConfig.Tls(keys, "PKCS12", null, false));
        FaceContext plain = node.context(config);
        Secrets s = plain.cluster().secrets();
        Secrets withStorePassword = new Secrets(s.file(), s.clusterKey(), s.adminToken(),
                new JmxSecrets(s.jmx().users(), STORE_PASSWORD, null));
        ClusterConfig c = plain.cluster();
        ClusterConfig cluster = new ClusterConfig(c.file(), c.name(), c.standby(), c.primaries(), withStorePassword);
        face = new JmxFace(node.server, System::nanoTime, 20);
        face.start(new FaceContext(cluster, plain.node(), plain.model(), plain.alarms(), plain.events(), plain.commands(), plain.stateDir()));
        assertEquals(true, face.remoteConnectorRunning());
    }

    private static SSLContext clientContext(Path trust) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trust)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @AfterEach
    void stop() {
        face.close();
    }

    @Test
    void tlsClient_withTrustedCertificate_logsInAndReads() throws Exception {
        Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {"watcher", FakeNode.MONITOR_PASSWORD},
                "com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(config.serviceUrl()), env)) {
            assertEquals("demo", JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.appliance(), ApplianceMXBean.class).getCluster());
        }
    }

    @Test
    void plainClient_cannotTalkToTheTlsRegistry() {
        Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {"watcher", FakeNode.MONITOR_PASSWORD});
        assertThrows(IOException.class, () -> JMXConnectorFactory.connect(new JMXServiceURL(config.serviceUrl()), env).close());
    }
}
