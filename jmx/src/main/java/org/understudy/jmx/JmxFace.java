package org.understudy.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
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
 * node's cluster-file entry has a {@code jmx:} block, a secured remote connector. Found by the daemon through
 * {@link java.util.ServiceLoader}. Beans:
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
     * their own (an idle standby of 100 primaries took a whole snapshot every second for no one).
     */
    static final long IDLE_REFRESH_MILLIS = 5_000;
    private static final long SNAPSHOT_MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final MBeanServer server;
    private final LongSupplier nanos;
    private final long refreshMillis;
    private final List<AlarmSource.Subscription> subscriptions = new ArrayList<>();
    private final List<ObjectName> fixed = new ArrayList<>();
    private String node = "?";
    private BeanRegistry registry;
    private volatile FaceWorker worker;
    private RemoteConnector connector;

    /** The face the daemon loads: beans in the platform MBean server. */
    public JmxFace() {
        this(ManagementFactory.getPlatformMBeanServer(), System::nanoTime, REFRESH_MILLIS);
    }

    JmxFace(MBeanServer server, LongSupplier nanos, long refreshMillis) {
        this.server = server;
        this.nanos = nanos;
        this.refreshMillis = refreshMillis;
    }

    @Override
    public String name() {
        return "jmx";
    }

    @Override
    public void start(FaceContext context) throws Exception {
        node = context.node().name();
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
        registry = new BeanRegistry(server, snapshots, operations, notifier, events, listeners, node);
        ObjectName source = ObjectNames.appliance();
        worker = new FaceWorker(node, refreshMillis, Math.max(refreshMillis, IDLE_REFRESH_MILLIS), listeners::any, item -> {
            List<EventNotifications.Draft> drafts = switch (item) {
                case ModelEvent e -> EventNotifications.of(e);
                case AlarmChange c -> EventNotifications.of(c);
                default -> List.of();
            };
            drafts.forEach(d -> notifier.send(events, source, d));
        }, () -> registry.refresh(snapshots.fresh()));
        // subscribe before the first snapshot, so nothing between the two is missed
        subscriptions.add(context.events().subscribe(worker::offer));
        subscriptions.add(context.alarms().subscribe(worker::offer));
        registry.refresh(snapshots.fresh());
        LOG.info("{}: jmx beans registered under {} ({} per-primary/volume/path beans)", node, ObjectNames.DOMAIN,
                registry.registered().size());
        worker.start();
        JmxConfig remote = context.node().jmx();
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

    /** Whether the remote connector is serving. */
    boolean remoteConnectorRunning() {
        return connector != null;
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
        subscriptions.forEach(AlarmSource.Subscription::close);
        subscriptions.clear();
        if (worker != null) {
            worker.close();
            worker = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
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
