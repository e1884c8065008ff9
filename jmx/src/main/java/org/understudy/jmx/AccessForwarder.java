package org.understudy.jmx;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.command.Actor;

/**
 * Enforces the JMX roles on the remote connector, in front of the MBean server: a {@code monitor} login may read
 * attributes, query names and listen to notifications; invoking operations and setting attributes needs the
 * {@code operator} role. Nobody may create, register or unregister MBeans remotely. Refusals are
 * {@link SecurityException}s, which JConsole shows. Local calls (no Subject) never pass through it. Thread-safe.
 */
final class AccessForwarder implements InvocationHandler {
    private static final Logger LOG = LogManager.getLogger(AccessForwarder.class);
    private static final Set<String> WRITE = Set.of("invoke", "setAttribute", "setAttributes");
    // (class-loader lookups stay allowed: the connector itself uses them to decode parameters)
    private static final Set<String> NEVER = Set.of("createMBean", "registerMBean", "unregisterMBean", "instantiate", "deserialize");

    private final String node;
    private volatile MBeanServer server;

    private AccessForwarder(String node) {
        this.node = node;
    }

    /** A forwarder to put on a connector server with {@code setMBeanServerForwarder}. */
    static MBeanServerForwarder create(String node) {
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, new AccessForwarder(node));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("getMBeanServer") && method.getParameterCount() == 0) {
            return server;
        }
        if (name.equals("setMBeanServer") && method.getParameterCount() == 1) {
            if (args[0] == null) {
                throw new IllegalArgumentException("null MBeanServer");
            }
            server = (MBeanServer) args[0];
            return null;
        }
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "AccessForwarder[" + node + "]";
            };
        }
        check(name, args);
        try {
            return method.invoke(server, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void check(String method, Object[] args) {
        if (NEVER.contains(method)) {
            Actor who = CurrentActor.get();
            LOG.warn("{}: jmx {} refused for {}: not allowed remotely", node, method, who.name());
            throw new SecurityException("Access denied: " + method + " is not allowed over the remote connector");
        }
        if (WRITE.contains(method)) {
            Subject subject = Subject.current();
            Actor who = CurrentActor.of(subject);
            if (subject == null || !who.operator()) {
                String target = args != null && args.length > 0 ? String.valueOf(args[0]) : "";
                String what = method.equals("invoke") && args.length > 1 ? " " + args[1] : "";
                LOG.warn("{}: jmx {}{} on {} refused for {}: read-only (monitor) login", node, method, what, target, who.name());
                throw new SecurityException("Access denied: " + who.name() + " has the read-only monitor role; " + method
                        + what + " needs the operator role");
            }
        }
    }
}
