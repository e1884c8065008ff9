package org.understudy.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.command.Actor;
import org.understudy.command.CommandResult;
import org.understudy.config.Endpoint;
import org.understudy.config.JmxConfig;
import org.understudy.model.ActorFace;
import org.understudy.model.ModelEvent;
import org.understudy.e2e.Poll;

/** The remote connector over loopback: one port, logins, roles, operations and notifications as a client sees them. */
class RemoteConnectorTest {
    private final FakeNode node = new FakeNode();
    private JmxFace face;
    private JmxConfig config;

    @BeforeEach
    void start() throws Exception {
        config = new JmxConfig(new Endpoint("127.0.0.1", freePort()), null);
        face = node.startFace(config);
    }

    @AfterEach
    void stop() {
        face.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private JMXConnector connect(String user, String password) throws IOException {
        Map<String, Object> env = user == null ? Map.of() : Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
        return JMXConnectorFactory.connect(new JMXServiceURL(config.serviceUrl()), env);
    }

    @Test
    void monitor_readsAttributes_butOperationsAreRefused() throws Exception {
        try (JMXConnector c = connect("watcher", FakeNode.MONITOR_PASSWORD)) {
            MBeanServerConnection mbs = c.getMBeanServerConnection();
            ApplianceMXBean a = JMX.newMXBeanProxy(mbs, ObjectNames.appliance(), ApplianceMXBean.class);
            assertEquals("STANDBY", a.getRole());
            PrimaryMXBean p1 = JMX.newMXBeanProxy(mbs, ObjectNames.primary("p1"), PrimaryMXBean.class);
            assertEquals("PROTECTED", p1.getState());
            SecurityException e = assertThrows(SecurityException.class, p1::switchover);
            assertTrue(e.getMessage().contains("monitor role"), e.getMessage());
            assertTrue(node.commands.isEmpty());
        }
    }

    @Test
    void operator_invokes_commandApiSeesTheJmxPrincipal() throws Exception {
        node.answer = CommandResult.refused("p1 is FENCED; switchover needs PROTECTED");
        try (JMXConnector c = connect("ops", FakeNode.OPERATOR_PASSWORD)) {
            PrimaryMXBean p1 = JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.primary("p1"), PrimaryMXBean.class);
            IllegalStateException e = assertThrows(IllegalStateException.class, p1::switchover);
            assertEquals("switchover on p1 refused: p1 is FENCED; switchover needs PROTECTED", e.getMessage());
        }
        assertEquals(List.of(new Actor("ops", ActorFace.JMX, true)), node.actors);
        assertEquals(List.of("ops via jmx switchover p1 REFUSED"), node.audit);
    }

    @Test
    void wrongPassword_unknownUser_andNoCredentials_areRefused() {
        assertThrows(SecurityException.class, () -> connect("ops", "not-the-password").close());
        assertThrows(SecurityException.class, () -> connect("nobody", FakeNode.OPERATOR_PASSWORD).close());
        assertThrows(SecurityException.class, () -> connect(null, null).close());
        // every refusal is on record with the client's address and the user tried, never the password
        assertEquals(3, node.authFailures.size(), node.authFailures.toString());
        assertTrue(node.authFailures.stream().allMatch(f -> f.face() == org.understudy.security.AuthFace.JMX
                && f.source().equals("127.0.0.1") && !f.toString().contains("not-the-password")), node.authFailures.toString());
        assertEquals(java.util.List.of("ops", "nobody", ""), node.authFailures.stream()
                .map(org.understudy.security.AuthFailure::user).toList());
        assertEquals("wrong password", node.authFailures.get(0).reason());
        assertEquals("unknown user", node.authFailures.get(1).reason());
    }

    @Test
    void remoteListener_receivesNotifications() throws Exception {
        List<Notification> got = new CopyOnWriteArrayList<>();
        try (JMXConnector c = connect("watcher", FakeNode.MONITOR_PASSWORD)) {
            c.getMBeanServerConnection().addNotificationListener(ObjectNames.appliance(), (n, h) -> got.add(n), null, null);
            node.events.publish(new ModelEvent.PrimaryFailed(java.time.Instant.now(), "p1", "every path silent"));
            Poll.until(Duration.ofSeconds(20), () -> "no notification over the connector", () -> !got.isEmpty());
            assertEquals(EventNotifications.PRIMARY_FAILED, got.getFirst().getType());
        }
    }

    @Test
    void registryAndConnector_shareTheConfiguredAddressAndPort() throws Exception {
        int port = config.endpoint().port();
        java.rmi.registry.Registry registry = java.rmi.registry.LocateRegistry.getRegistry("127.0.0.1", port);
        String stub = registry.lookup(RemoteConnector.BINDING).toString();
        // the connector's stub names the same endpoint as the registry: one firewall hole
        assertTrue(stub.contains("endpoint:[127.0.0.1:" + port + "]"), stub);
    }

    @Test
    void portTaken_connectorFails_butTheBeansStayAndTheFaceStarts() throws Exception {
        face.close();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            face = node.startFace(new JmxConfig(new Endpoint("127.0.0.1", taken.getLocalPort()), null));
            assertTrue(!face.remoteConnectorRunning());
            assertTrue(node.server.isRegistered(ObjectNames.primary("p1")));
        }
    }

    @Test
    void close_freesThePort() throws Exception {
        face.close();
        // RMI closes its listening socket once the last object on it is unexported; allow it a moment
        Poll.until(Duration.ofSeconds(10), () -> "port " + config.endpoint().port() + " still taken after close", () -> {
            try (ServerSocket s = new ServerSocket(config.endpoint().port(), 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                return s.getLocalPort() == config.endpoint().port();
            } catch (IOException e) {
                return false;
            }
        });
        face = node.startFace(config);
        assertTrue(face.remoteConnectorRunning());
        try (JMXConnector c = connect("watcher", FakeNode.MONITOR_PASSWORD)) {
            assertEquals("demo", JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.appliance(), ApplianceMXBean.class).getCluster());
        }
    }
}
