package org.understudy.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.health.HealthDetector;
import org.understudy.health.HeartbeatCodec;
import org.understudy.health.HeartbeatReceiver;
import org.understudy.health.HeartbeatSender;
import org.understudy.health.PathConfig;
import org.understudy.health.TcpConnectProbe;
import org.understudy.model.AlarmKind;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathKind;
import org.understudy.model.PrimaryState;
import org.understudy.transport.ExecutorScheduler;
import org.understudy.transport.FaultyTransport;
import org.understudy.e2e.Poll;
import org.understudy.transport.UdpTransport;

/**
 * The key scenarios over real UDP sockets on 127.0.0.1, real time, and a real TCP-connect probe against a listening
 * socket standing for the primary's service. Shortened interval and timeout (50 ms / 400 ms) keep it quick.
 */
class UdpFailoverTest {
    private static final Duration INTERVAL = Duration.ofMillis(50);
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void udp_onePathCutThenPrimaryKilled_degradedThenFailoverWithTimeline() throws Exception {
        List<PathConfig> paths = List.of(new PathConfig("link", PathKind.REPLICATION_LINK, INTERVAL, TIMEOUT),
                new PathConfig("production", PathKind.PRODUCTION, INTERVAL, TIMEOUT));
        HeartbeatCodec codec = new HeartbeatCodec("understudy-test-cluster-key-0123456789".getBytes());
        List<ModelEvent> events = new CopyOnWriteArrayList<>();
        List<AutoCloseable> closing = new ArrayList<>();
        ExecutorService probeThreads = Executors.newVirtualThreadPerTaskExecutor();
        ServerSocket service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (ExecutorScheduler standbyScheduler = new ExecutorScheduler("standby-health");
             ExecutorScheduler primaryScheduler = new ExecutorScheduler("p1-heartbeat")) {
            AlarmRegistry alarms = new AlarmRegistry("standby", InstantSource.system());
            FakeSteps steps = new FakeSteps(() -> { });
            FailoverEngine engine = new FailoverEngine("standby", System::nanoTime, InstantSource.system(),
                    Executors.newVirtualThreadPerTaskExecutor(), FailoverPolicy.DEFAULTS,
                    new FailoverEngine.Actions(steps, steps, steps), alarms, events::add);
            HealthDetector detector = new HealthDetector("standby", System::nanoTime, InstantSource.system(),
                    standbyScheduler, probeThreads,
                    new HealthDetector.Settings(INTERVAL, 4.0, Duration.ofSeconds(1)), engine);
            engine.addPrimary(new TakeoverTarget("p1", "127.0.0.1", service.getLocalPort(), List.of("data"),
                    List.of(Path.of("/replicas/p1/data.img"))));
            engine.replicaStatus("p1", true, "in sync");
            detector.watch("p1", paths, new TcpConnectProbe(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), service.getLocalPort()),
                    Duration.ofMillis(300), System::nanoTime));
            HeartbeatSender sender = new HeartbeatSender("p1", codec, primaryScheduler, InstantSource.system());
            List<FaultyTransport> primaryEnds = new ArrayList<>();
            for (PathConfig p : paths) {
                UdpTransport standbyEnd = new UdpTransport("standby-" + p.id(), ANY);
                closing.add(standbyEnd);
                new HeartbeatReceiver("standby", p.id(), standbyEnd, codec, detector);
                FaultyTransport primaryEnd = new FaultyTransport(new UdpTransport("p1-" + p.id(), ANY),
                        primaryScheduler, 5);
                closing.add(primaryEnd);
                primaryEnds.add(primaryEnd);
                sender.addTarget(p, primaryEnd, standbyEnd.localAddress());
            }
            sender.start();
            detector.start();
            Poll.until(Duration.ofSeconds(10), "p1 protected",
                    () -> detector.paths("p1").stream().allMatch(s -> s.valid() >= 5));
            assertEquals(PrimaryState.PROTECTED, engine.state("p1"), () -> "moves: " + events.stream()
                    .filter(e -> e instanceof ModelEvent.StateChanged || e instanceof ModelEvent.LocalPause).toList());

            primaryEnds.get(0).cutOutbound(true);
            Poll.until(Duration.ofSeconds(10), "link down, p1 degraded",
                    () -> engine.state("p1") == PrimaryState.DEGRADED);
            // the alarm is published just after the state changes: wait for it rather than race it
            Poll.until(Duration.ofSeconds(5), "path alarm", () -> alarms.isActive(AlarmKind.PATH_DOWN, "p1/link"));
            primaryEnds.get(0).cutOutbound(false);
            Poll.until(Duration.ofSeconds(10), "p1 protected again",
                    () -> engine.state("p1") == PrimaryState.PROTECTED);

            long killedAt = System.nanoTime();
            sender.stop();
            service.close();
            Poll.until(Duration.ofSeconds(10), "p1 taken over",
                    () -> engine.state("p1") == PrimaryState.STANDING_IN);
            long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
            Poll.until(Duration.ofSeconds(5), "failover completed event",
                    () -> events.stream().anyMatch(e -> e instanceof ModelEvent.FailoverCompleted));
            FailoverTimeline t = engine.lastTimeline("p1").orElseThrow();
            assertTrue(t.completed());
            assertEquals(7, t.steps().size()); // fence-epoch, fence-command, check-replicas, await-release, identity, serve, hooks
            assertTrue(tookMillis >= 350 && tookMillis < 5000, "kill to standing in: " + tookMillis + " ms");
            assertTrue(t.reason().contains("TCP connect"), t.reason());
            detector.stop();
            sender.stop();
        } finally {
            service.close();
            probeThreads.shutdownNow();
            for (AutoCloseable c : closing) {
                c.close();
            }
        }
    }
}
