package org.understudy.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;
import org.understudy.config.JmxUser;
import org.understudy.model.ActorFace;

/** Roles on the connector (forwarder), logins (authenticator) and operations reaching the command API as the principal. */
class AccessTest {
    private final FakeNode node = new FakeNode();
    private JmxFace face;
    private MBeanServer guarded;
    private final PasswordAuthenticator auth = new PasswordAuthenticator("standby", List.of(
            new JmxUser("watcher", FakeNode.MONITOR_PASSWORD, JmxUser.Role.MONITOR),
            new JmxUser("ops", FakeNode.OPERATOR_PASSWORD, JmxUser.Role.OPERATOR)));

    @BeforeEach
    void start() throws Exception {
        face = node.startFace(null);
        MBeanServerForwarder f = AccessForwarder.create("standby");
        f.setMBeanServer(node.server);
        guarded = f;
    }

    @AfterEach
    void stop() {
        face.close();
    }

    private Subject login(String user, String password) {
        return auth.authenticate(new String[] {user, password});
    }

    private static <T> T as(Subject s, Callable<T> call) throws Exception {
        try {
            return Subject.callAs(s, call);
        } catch (CompletionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void authenticate_rightPassword_givesPrincipalAndRole() {
        Subject s = login("ops", FakeNode.OPERATOR_PASSWORD);
        assertEquals(Set.of(new JMXPrincipal("ops"), new RolePrincipal(JmxUser.Role.OPERATOR)), s.getPrincipals());
        assertEquals(new Actor("ops", ActorFace.JMX, true), CurrentActor.of(s));
        assertEquals(new Actor("watcher", ActorFace.JMX, false), CurrentActor.of(login("watcher", FakeNode.MONITOR_PASSWORD)));
    }

    @Test
    void authenticate_wrongPasswordUnknownUserOrNoCredentials_refusedAlike() {
        SecurityException wrong = assertThrows(SecurityException.class, () -> login("ops", FakeNode.MONITOR_PASSWORD));
        SecurityException unknown = assertThrows(SecurityException.class, () -> login("root", FakeNode.OPERATOR_PASSWORD));
        assertEquals(wrong.getMessage(), unknown.getMessage());
        assertThrows(SecurityException.class, () -> auth.authenticate(null));
        assertThrows(SecurityException.class, () -> auth.authenticate("ops:" + FakeNode.OPERATOR_PASSWORD));
        assertThrows(SecurityException.class, () -> auth.authenticate(new String[] {"ops"}));
    }

    @Test
    void monitor_readsButCannotInvokeOrSet() throws Exception {
        Subject monitor = login("watcher", FakeNode.MONITOR_PASSWORD);
        ObjectName p1 = ObjectNames.primary("p1");
        assertEquals("PROTECTED", as(monitor, () -> guarded.getAttribute(p1, "State")));
        SecurityException e = assertThrows(SecurityException.class,
                () -> as(monitor, () -> guarded.invoke(p1, "switchover", new Object[0], new String[0])));
        assertTrue(e.getMessage().contains("watcher has the read-only monitor role"), e.getMessage());
        assertThrows(SecurityException.class, () -> as(monitor, () -> {
            guarded.setAttribute(p1, new Attribute("State", "FAILED"));
            return null;
        }));
        assertTrue(node.commands.isEmpty(), "nothing reached the command API: " + node.commands);
    }

    @Test
    void nobodyRemote_mayCreateOrUnregisterBeans() throws Exception {
        Subject ops = login("ops", FakeNode.OPERATOR_PASSWORD);
        assertThrows(SecurityException.class, () -> as(ops, () -> {
            guarded.unregisterMBean(ObjectNames.appliance());
            return null;
        }));
        assertThrows(SecurityException.class, () -> as(ops, () -> guarded.createMBean("javax.management.timer.Timer",
                new ObjectName("x:type=Timer"))));
        assertTrue(node.server.isRegistered(ObjectNames.appliance()));
    }

    @Test
    void operator_invoke_reachesCommandApiAsThePrincipal() throws Exception {
        Subject ops = login("ops", FakeNode.OPERATOR_PASSWORD);
        node.answer = CommandResult.ok("switchover of p1 started");
        Object r = as(ops, () -> guarded.invoke(ObjectNames.primary("p1"), "switchover", new Object[0], new String[0]));
        assertEquals("switchover of p1 started", r);
        assertEquals(List.of(new Command.Switchover("p1")), node.commands);
        assertEquals(List.of(new Actor("ops", ActorFace.JMX, true)), node.actors);
        assertEquals(List.of("ops via jmx switchover p1 OK"), node.audit);
    }

    @Test
    void refusedCommand_isAnIllegalStateExceptionWithTheMessage_andAudited() throws Exception {
        Subject ops = login("ops", FakeNode.OPERATOR_PASSWORD);
        node.answer = CommandResult.refused("p1 is FENCED; switchover needs PROTECTED");
        PrimaryMXBean p1 = JMX.newMXBeanProxy(guarded, ObjectNames.primary("p1"), PrimaryMXBean.class);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> as(ops, p1::switchover));
        assertEquals("switchover on p1 refused: p1 is FENCED; switchover needs PROTECTED", e.getMessage());
        assertEquals(List.of("ops via jmx switchover p1 REFUSED"), node.audit);
    }

    @Test
    void everyOperation_mapsToItsCommand() throws Exception {
        Subject ops = login("ops", FakeNode.OPERATOR_PASSWORD);
        PrimaryMXBean p1 = JMX.newMXBeanProxy(guarded, ObjectNames.primary("p1"), PrimaryMXBean.class);
        VolumeMXBean v = JMX.newMXBeanProxy(guarded, ObjectNames.volume("p1", "vol0"), VolumeMXBean.class);
        ApplianceMXBean a = JMX.newMXBeanProxy(guarded, ObjectNames.appliance(), ApplianceMXBean.class);
        as(ops, () -> List.of(p1.forceFailover("disk smoke"), p1.failback(), p1.clearFence(), p1.setThrottle("resync", 1_000_000),
                v.verify(), a.switchAutomaticFailover(false), a.setGlobalThrottle("MIRROR", 0)));
        assertEquals(List.of(new Command.ForceFailover("p1", "disk smoke"), new Command.Failback("p1"), new Command.ClearFence("p1"),
                new Command.SetThrottle("p1", Command.Traffic.RESYNC, 1_000_000), new Command.Verify("p1", "vol0"),
                new Command.SetAutoFailover(false), new Command.SetThrottle(null, Command.Traffic.MIRROR, 0)), node.commands);
        assertThrows(IllegalArgumentException.class, () -> as(ops, () -> p1.setThrottle("fast", 1)));
    }

    @Test
    void localCall_withoutSubject_actsAsTheLocalOsUser() {
        node.answer = CommandResult.ok("ok");
        PrimaryMXBean p1 = JMX.newMXBeanProxy(node.server, ObjectNames.primary("p1"), PrimaryMXBean.class);
        p1.switchover();
        assertEquals("local:" + System.getProperty("user.name"), node.actors.getFirst().name());
    }
}
