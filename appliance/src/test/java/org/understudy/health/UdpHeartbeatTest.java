package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.understudy.model.PathKind;
import org.understudy.model.PathState;
import org.understudy.transport.ExecutorScheduler;
import org.understudy.e2e.Poll;
import org.understudy.transport.UdpTransport;

/** Heartbeats over real UDP sockets on 127.0.0.1 (ephemeral ports) with the real scheduler and clock. */
class UdpHeartbeatTest {

    @Test
    void udpHeartbeats_senderStops_pathDownThenNodeFailed() throws IOException, InterruptedException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        HeartbeatCodec codec = new HeartbeatCodec("understudy-test-cluster-key-0123456789".getBytes());
        PathConfig path = new PathConfig("production", PathKind.PRODUCTION, Duration.ofMillis(50),
                Duration.ofMillis(400));
        List<HealthEvent> seen = new CopyOnWriteArrayList<>();
        try (ExecutorScheduler standbyScheduler = new ExecutorScheduler("standby-health");
             ExecutorScheduler primaryScheduler = new ExecutorScheduler("p1-heartbeat");
             UdpTransport standbyEnd = new UdpTransport("standby", any);
             UdpTransport primaryEnd = new UdpTransport("p1", any)) {
            HealthDetector detector = new HealthDetector("standby", System::nanoTime, InstantSource.system(),
                    standbyScheduler, Runnable::run,
                    new HealthDetector.Settings(Duration.ofMillis(50), 4.0, Duration.ofSeconds(1)), seen::add);
            detector.watch("p1", List.of(path), ServiceProbe.NONE);
            HeartbeatReceiver receiver = new HeartbeatReceiver("standby", "production", standbyEnd, codec, detector);
            HeartbeatSender sender = new HeartbeatSender("p1", codec, primaryScheduler, InstantSource.system());
            sender.addTarget(path, primaryEnd, standbyEnd.localAddress());
            sender.start();
            detector.start();

            Poll.until(Duration.ofSeconds(10), "10 heartbeats over UDP", () -> receiver.valid() >= 10);
            assertEquals(PathState.UP, detector.paths("p1").get(0).state());
            assertEquals(0, receiver.forged() + receiver.malformed() + receiver.replayed());

            long stoppedAt = System.nanoTime();
            sender.stop();
            Poll.until(Duration.ofSeconds(10), "path down",
                    () -> detector.paths("p1").get(0).state() == PathState.DOWN);
            Poll.until(Duration.ofSeconds(10), "node failed",
                    () -> seen.stream().anyMatch(e -> e instanceof HealthEvent.Failed));
            long detectedMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            // the last heartbeat may have arrived up to an interval (plus scheduling jitter) before the stop
            assertTrue(detectedMillis >= 250, "not before the timeout: " + detectedMillis + " ms");
            assertTrue(seen.stream().anyMatch(e -> e instanceof HealthEvent.PathDown));
            detector.stop();
        }
    }
}
