package org.understudy.failover;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.health.HealthDetector;
import org.understudy.health.HeartbeatCodec;
import org.understudy.health.HeartbeatReceiver;
import org.understudy.health.HeartbeatSender;
import org.understudy.health.PathConfig;
import org.understudy.health.ServiceProbe;
import org.understudy.model.AlarmKind;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathKind;
import org.understudy.transport.DatagramTransport;
import org.understudy.transport.FakeClock;
import org.understudy.transport.FaultyTransport;
import org.understudy.transport.InMemoryNetwork;
import org.understudy.transport.ManualScheduler;

/**
 * A deterministic standby with its primaries: fake clock, manual scheduler, an in-memory network with a fault switch
 * on every primary's path endpoint, a switchable service probe per primary, and {@link FakeSteps} for the takeover.
 * Two paths per primary: the replication link and the production network, default interval and timeout.
 */
final class ScenarioCluster {
    static final byte[] KEY = "understudy-test-cluster-key-0123456789".getBytes(StandardCharsets.UTF_8);
    static final List<PathConfig> PATHS = List.of(PathConfig.of("link", PathKind.REPLICATION_LINK),
            PathConfig.of("production", PathKind.PRODUCTION));

    final FakeClock clock = new FakeClock();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final InMemoryNetwork network = new InMemoryNetwork();
    final HeartbeatCodec codec = new HeartbeatCodec(KEY);
    final List<ModelEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final AlarmRegistry alarms = new AlarmRegistry("standby", clock);
    final FakeSteps steps = new FakeSteps(clock, Duration.ofMillis(20));
    final Map<String, Boolean> serviceAlive = new ConcurrentHashMap<>();
    /** Primaries whose probe, when their service is down, times out instead of being refused (a silent host). */
    final java.util.Set<String> probeTimesOut = ConcurrentHashMap.newKeySet();
    /** Each primary's replication link, in a cluster built with a process-dead grace. */
    final Map<String, LinkWire> links = new LinkedHashMap<>();
    final Map<String, FaultyTransport> standbyEnds = new LinkedHashMap<>();
    final Map<String, HeartbeatReceiver> receivers = new LinkedHashMap<>();
    final Map<String, Map<String, FaultyTransport>> primaryEnds = new HashMap<>();
    final Map<String, HeartbeatSender> senders = new HashMap<>();
    final FailoverEngine engine;
    final HealthDetector detector;

    ScenarioCluster(FailoverPolicy policy, String... primaries) {
        this(policy, Duration.ZERO, primaries);
    }

    /**
     * A cluster whose primaries are watched with the fast path when {@code grace} is not zero: each then has a
     * {@link LinkWire} that reports closes by the peer, and probes run on the scheduler (on the thread that moves
     * time), so a close reported on a link's thread changes nothing until the test moves time.
     */
    ScenarioCluster(FailoverPolicy policy, Duration grace, String... primaries) {
        steps.answers = p -> serviceAlive.getOrDefault(p, false);
        engine = new FailoverEngine("standby", clock, clock, Runnable::run, policy,
                new FailoverEngine.Actions(steps, steps, steps), alarms, events::add);
        java.util.concurrent.Executor probes = grace.isZero() ? Runnable::run : r -> scheduler.schedule(r, 0);
        detector = new HealthDetector("standby", clock, clock, scheduler, probes,
                HealthDetector.Settings.DEFAULTS, engine);
        for (PathConfig path : PATHS) {
            FaultyTransport end = new FaultyTransport(network.endpoint("standby-" + path.id()), scheduler, 7);
            standbyEnds.put(path.id(), end);
            receivers.put(path.id(), new HeartbeatReceiver("standby", path.id(), end, codec, detector));
        }
        long boot = 100;
        for (String p : primaries) {
            serviceAlive.put(p, true);
            engine.addPrimary(new TakeoverTarget(p, "127.0.0.1", 10809, List.of(p + "-data"),
                    List.of(Path.of("/replicas/" + p + "/" + p + "-data.img"))));
            engine.replicaStatus(p, true, "in sync, generation known");
            detector.watch(p, PATHS, node -> serviceAlive.get(node)
                    ? new ServiceProbe.Result(true, "NBD handshake ok", 1_000_000)
                    : probeTimesOut.contains(node) ? new ServiceProbe.Result(false, "NBD handshake timed out",
                    500_000_000) : new ServiceProbe.Result(false, "NBD connect refused", 1_000_000, true), grace);
            if (!grace.isZero()) {
                try {
                    LinkWire w = new LinkWire(p, detector, scheduler);
                    w.connect();
                    links.put(p, w);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            HeartbeatSender sender = new HeartbeatSender(p, boot++, codec, scheduler, clock);
            Map<String, FaultyTransport> ends = new LinkedHashMap<>();
            for (PathConfig path : PATHS) {
                DatagramTransport raw = network.endpoint(p + "-" + path.id());
                FaultyTransport end = new FaultyTransport(raw, scheduler, 11);
                ends.put(path.id(), end);
                sender.addTarget(path, end, standbyEnds.get(path.id()).localAddress());
            }
            primaryEnds.put(p, ends);
            senders.put(p, sender);
            sender.start();
        }
        detector.start();
    }

    /**
     * The primary dies: no heartbeat on any path, and its service stops answering; with a {@link LinkWire}, its
     * kernel closes the link and the test waits until the standby heard of it.
     */
    void kill(String primary) {
        senders.get(primary).stop();
        serviceAlive.put(primary, false);
        LinkWire w = links.get(primary);
        if (w != null) {
            int before = w.ended();
            try {
                w.primaryCloses();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            w.awaitEnded(before + 1);
        }
    }

    LinkWire link(String primary) {
        return links.get(primary);
    }

    FaultyTransport path(String primary, String path) {
        return primaryEnds.get(primary).get(path);
    }

    void run(Duration d) {
        scheduler.advance(d);
    }

    <T extends ModelEvent> List<T> events(Class<T> type) {
        synchronized (events) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    boolean alarmActive(AlarmKind kind, String resource) {
        return alarms.isActive(kind, resource);
    }
}
