package org.understudy.jmx;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.VolumeSnapshot;

/**
 * Keeps the per-primary, per-volume and per-path beans in step with the model: registers the beans of what appeared
 * in a snapshot, unregisters those of what disappeared, and announces State changes (attribute-change notifications)
 * and resyncs. A bean that cannot be registered is logged once and retried on the next refresh; the node carries on.
 * Confined to the face's worker thread (and {@link #close} after it stopped).
 */
final class BeanRegistry {
    private static final Logger LOG = LogManager.getLogger(BeanRegistry.class);

    /** A registered bean and the last state announced for it. */
    private static final class Tracked {
        final NotificationBroadcasterSupport emitter;
        String state;
        VolumeSnapshot volume;

        Tracked(NotificationBroadcasterSupport emitter, String state) {
            this.emitter = emitter;
            this.state = state;
        }
    }

    private final MBeanServer server;
    private final Snapshots snapshots;
    private final Operations operations;
    private final Notifier notifier;
    private final NotificationBroadcasterSupport applianceEmitter;
    private final Listeners listeners;
    private final String node;
    private final Map<ObjectName, Tracked> beans = new HashMap<>();
    private final Map<ObjectName, String> failed = new HashMap<>();

    BeanRegistry(MBeanServer server, Snapshots snapshots, Operations operations, Notifier notifier,
                 NotificationBroadcasterSupport applianceEmitter, Listeners listeners, String node) {
        this.server = server;
        this.snapshots = snapshots;
        this.operations = operations;
        this.notifier = notifier;
        this.applianceEmitter = applianceEmitter;
        this.listeners = listeners;
        this.node = node;
    }

    Set<ObjectName> registered() {
        return Set.copyOf(beans.keySet());
    }

    void refresh(ClusterSnapshot s) {
        Map<ObjectName, String> wanted = new LinkedHashMap<>();
        Map<ObjectName, String> labels = new HashMap<>();
        Map<ObjectName, Supplier<DescribedMXBean<?>>> factories = new HashMap<>();
        for (PrimarySnapshot p : s.primaries()) {
            ObjectName n = ObjectNames.primary(p.name());
            wanted.put(n, p.state().name());
            labels.put(n, "primary " + p.name() + " state %s -> %s" + (p.cause() == null || p.cause().isEmpty() ? "" : ": " + p.cause().replace("%", "%%")));
            factories.put(n, () -> bean(new PrimaryBean(snapshots, operations, p.name()), PrimaryMXBean.class));
        }
        Map<ObjectName, VolumeSnapshot> volumes = new HashMap<>();
        for (VolumeSnapshot v : s.volumes()) {
            ObjectName n = ObjectNames.volume(v.primary(), v.name());
            wanted.put(n, v.state().name());
            labels.put(n, "volume " + v.primary() + "/" + v.name() + " state %s -> %s");
            volumes.put(n, v);
            factories.put(n, () -> bean(new VolumeBean(snapshots, operations, v.primary(), v.name()), VolumeMXBean.class));
        }
        Map<String, java.util.List<PathSnapshot>> paths = new LinkedHashMap<>();
        s.primaries().forEach(p -> paths.put(p.name(), p.paths()));
        if (s.primaries().isEmpty() && !s.paths().isEmpty()) {
            paths.put(s.node().name(), s.paths());
        }
        paths.forEach((primary, list) -> list.forEach(x -> {
            ObjectName n = ObjectNames.path(primary, x.path());
            wanted.put(n, x.state().name());
            labels.put(n, "path " + primary + "/" + x.path() + " state %s -> %s");
            factories.put(n, () -> bean(new PathBean(snapshots, primary, x.path()), PathMXBean.class));
        }));

        for (ObjectName gone : beans.keySet().stream().filter(n -> !wanted.containsKey(n)).toList()) {
            unregister(gone);
        }
        wanted.forEach((name, state) -> {
            Tracked t = beans.get(name);
            if (t == null) {
                register(name, factories.get(name).get(), state, volumes.get(name));
                return;
            }
            if (!state.equals(t.state)) {
                notifier.attributeChange(t.emitter, name, s.takenAt(), "State", t.state, state,
                        node + ": " + labels.get(name).formatted(t.state, state));
                t.state = state;
            }
            VolumeSnapshot v = volumes.get(name);
            if (v != null) {
                EventNotifications.resync(t.volume, v, s.takenAt()).forEach(d -> notifier.send(applianceEmitter, ObjectNames.appliance(), d));
                t.volume = v;
            }
        });
    }

    private <T> DescribedMXBean<T> bean(T impl, Class<T> type) {
        return new DescribedMXBean<>(impl, type, listeners.emitter(Notifier.attributeChangeInfo()));
    }

    private void register(ObjectName name, DescribedMXBean<?> bean, String state, VolumeSnapshot volume) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // left behind by an earlier face in this JVM
            }
            server.registerMBean(bean, name);
            Tracked t = new Tracked(bean.emitter(), state);
            t.volume = volume;
            beans.put(name, t);
            if (failed.remove(name) != null) {
                LOG.info("{}: jmx bean {} registered after earlier failures", node, name);
            } else {
                LOG.debug("{}: jmx bean {} registered", node, name);
            }
        } catch (Exception | LinkageError e) {
            if (!e.toString().equals(failed.put(name, e.toString()))) {
                LOG.warn("{}: jmx bean {} could not be registered, retrying on the next refresh: {}", node, name, e.toString());
            }
        }
    }

    private void unregister(ObjectName name) {
        beans.remove(name);
        try {
            server.unregisterMBean(name);
            LOG.debug("{}: jmx bean {} unregistered", node, name);
        } catch (Exception e) {
            LOG.warn("{}: jmx bean {} could not be unregistered: {}", node, name, e.toString());
        }
    }

    void close() {
        for (ObjectName n : Set.copyOf(beans.keySet())) {
            unregister(n);
        }
        failed.clear();
    }
}
