package org.understudy.jmx;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.management.MBeanServer;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.JmxConfig;
import org.understudy.face.FaceContext;
import org.understudy.face.ManagementFace;
import org.understudy.model.AlarmChange;
import org.understudy.model.AlarmSource;
import org.understudy.model.ModelEvent;

/**
 * The JMX face: MXBeans over the state model in the platform MBean server (so {@code jconsole PID} on the node sees
 * them), notifications for every model event and alarm change, operations through the command API, and, when the
 * node's cluster-file entry has a {@code jmx:} block, a secured remote connector. Without that block and before
 * anything made the platform MBean server, the beans wait for it (see {@link PlatformServer}): the worker looks for it
 * at its idle pace and registers them once a local client (an attaching {@code jconsole PID}) has made it. Found by
 * the daemon through {@link java.util.ServiceLoader}. Beans:
 * <ul>
 *   <li>{@code org.understudy:type=Appliance} (emits the event notifications)</li>
 *   <li>{@code org.understudy:type=Alarms}</li>
 *   <li>{@code org.understudy:type=Primary,name=P}, {@code type=Volume,primary=P,name=V}, {@code type=Path,primary=P,name=X}
 *       (appear and disappear with the model; emit attribute changes of State)</li>
 * </ul>
 * Started and closed once by the daemon; the beans themselves are thread-safe.
 */
public final class JmxFace implements ManagementFace {
    private static final Logger LOG = LogManager.getLogger(JmxFace.class);
    static final long REFRESH_MILLIS = 1_000;
    /**
     * How often the beans are compared with the model while nobody listens to their notifications, only for beans to
     * come and go with the model within seconds: model events refresh them at once, attribute reads take a snapshot of
     * their own (an idle standby of 100 primaries took a whole snapshot every second for no one). Also how often a
     * face whose beans wait for the platform MBean server looks for it.
     */
    static final long IDLE_REFRESH_MILLIS = 5_000;
    private static final long SNAPSHOT_MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** What exists once the beans are registered; confined to the worker thread (and {@link #close} after it). */
    private record Registered(Notifier notifier, NotificationBroadcasterSupport events, ObjectName source,
                              Listeners listeners, Snapshots snapshots, BeanRegistry registry) {
    }

    private final PlatformServer platform;
    private final LongSupplier nanos;
    private final long refreshMillis;
    private final long idleRefreshMillis;
    private final List<AlarmSource.Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<ObjectName> fixed = new CopyOnWriteArrayList<>();
    private String node = "?";
    private FaceContext context;
    private MBeanServer server;
    private volatile Registered registered;
    private volatile FaceWorker worker;
    private RemoteConnector connector;

    /** The face the daemon loads: beans in the platform MBean server. */
    public JmxFace() {
        this(PlatformServer.JDK, System::nanoTime, REFRESH_MILLIS, IDLE_REFRESH_MILLIS);
    }

    JmxFace(MBeanServer server, LongSupplier nanos, long refreshMillis) {
        this(PlatformServer.of(server), nanos, refreshMillis, IDLE_REFRESH_MILLIS);
    }

    JmxFace(PlatformServer platform, LongSupplier nanos, long refreshMillis, long idleRefreshMillis) {
        this.platform = platform;
        this.nanos = nanos;
        this.refreshMillis = refreshMillis;
        this.idleRefreshMillis = Math.max(refreshMillis, idleRefreshMillis);
    }

    @Override
    public String name() {
        return "jmx";
    }

    @Override
    public void start(FaceContext context) throws Exception {
        this.context = context;
        node = context.node().name();
        JmxConfig remote = context.node().jmx();
        worker = new FaceWorker(node, refreshMillis, idleRefreshMillis, () -> {
            Registered r = registered;
            return r != null && r.listeners().any();
        }, this::announce, this::refresh);
        if (remote == null && !platform.exists().getAsBoolean()) {
            LOG.info("{}: no jmx block for this node and no MBean server yet: the jmx beans are registered once a local "
                    + "client makes the platform MBean server (jconsole {}; looked for every {} ms)", node,
                    ProcessHandle.current().pid(), idleRefreshMillis);
            worker.start();
            return;
        }
        register();
        worker.start();
        if (remote == null) {
            LOG.info("{}: no jmx block for this node: no remote connector (local jconsole {} still works)", node,
                    ProcessHandle.current().pid());
            return;
        }
        try {
            connector = RemoteConnector.start(node, remote, context.cluster().secrets().jmx(), server,
                    context.authFailures());
        } catch (Exception e) {
            // the beans stay useful locally; a connector that cannot listen is the operator's to fix, loudly
            LOG.error("{}: jmx remote connector could not start on {} ({}); beans stay reachable locally with jconsole {}", node,
                    remote.endpoint(), e.toString(), ProcessHandle.current().pid(), e);
        }
    }

    /** Registers every bean; on the starting thread, or on the worker's once the platform MBean server exists. */
    private void register() throws Exception {
        server = platform.server().get();
        Snapshots snapshots = new Snapshots(context.model(), nanos, SNAPSHOT_MAX_AGE_NANOS);
        Operations operations = new Operations(context.commands());
        Notifier notifier = new Notifier(node);
        Listeners listeners = new Listeners(() -> {
            FaceWorker w = worker;
            if (w != null) {
                w.wake();
            }
        });
        NotificationBroadcasterSupport events = listeners.emitter(EventNotifications.info());
        registerFixed(ObjectNames.appliance(),
                new DescribedMXBean<>(new ApplianceBean(snapshots, operations), ApplianceMXBean.class, events));
        registerFixed(ObjectNames.alarms(), new AlarmsBean(context.alarms()));
        BeanRegistry registry = new BeanRegistry(server, snapshots, operations, notifier, events, listeners, node);
        // subscribe before the first snapshot, so nothing between the two is missed: what arrives meanwhile waits in
        // the worker's queue, which this thread (or the worker itself, running this) drains only afterwards
        subscriptions.add(context.events().subscribe(worker::offer));
        subscriptions.add(context.alarms().subscribe(worker::offer));
        registry.refresh(snapshots.fresh());
        // published once every bean of the first snapshot is in: beansRegistered() means all of them
        registered = new Registered(notifier, events, ObjectNames.appliance(), listeners, snapshots, registry);
        LOG.info("{}: jmx beans registered under {} ({} per-primary/volume/path beans)", node, ObjectNames.DOMAIN,
                registry.registered().size());
    }

    /** The worker's item: a model event or alarm change as notifications, once the beans are there to send them. */
    private void announce(Object item) {
        Registered r = registered;
        if (r == null) {
            return;
        }
        List<EventNotifications.Draft> drafts = switch (item) {
            case ModelEvent e -> EventNotifications.of(e);
            case AlarmChange c -> EventNotifications.of(c);
            default -> List.of();
        };
        drafts.forEach(d -> r.notifier().send(r.events(), r.source(), d));
    }

    /** The worker's refresh: the beans against a new snapshot, or, while they wait, a look for the MBean server. */
    private void refresh() {
        Registered r = registered;
        if (r != null) {
            r.registry().refresh(r.snapshots().fresh());
        } else if (platform.exists().getAsBoolean()) {
            try {
                register();
            } catch (Exception e) {
                throw new IllegalStateException("jmx beans could not be registered: " + e, e);
            }
        }
    }

    /** Whether the remote connector is serving. */
    boolean remoteConnectorRunning() {
        return connector != null;
    }

    /** Whether the beans are in their MBean server (they wait for it without a jmx block). */
    boolean beansRegistered() {
        return registered != null;
    }

    private void registerFixed(ObjectName name, Object bean) throws Exception {
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(bean, name);
        fixed.add(name);
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.close();
            connector = null;
        }
        if (worker != null) {
            worker.close();
            worker = null;
        }
        subscriptions.forEach(AlarmSource.Subscription::close);
        subscriptions.clear();
        Registered r = registered;
        if (r != null) {
            r.registry().close();
            registered = null;
        }
        for (ObjectName n : fixed) {
            try {
                server.unregisterMBean(n);
            } catch (Exception e) {
                LOG.warn("{}: jmx bean {} could not be unregistered: {}", node, n, e.toString());
            }
        }
        fixed.clear();
        LOG.info("{}: jmx face closed", node);
    }
}
