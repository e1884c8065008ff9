package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.transport.FakeClock;
import org.understudy.transport.InMemoryNetwork;
import org.understudy.transport.ManualScheduler;

/** Regression: forged heartbeats were counters only; each is now a refused authentication on record. */
class HeartbeatAuthFailuresTest {
    @Test
    void forgedHeartbeat_isARefusedAuthentication_malformedAndValidAreNot() {
        FakeClock clock = new FakeClock();
        HealthDetector detector = new HealthDetector("standby", clock, clock, new ManualScheduler(clock),
                Runnable::run, HealthDetector.Settings.DEFAULTS, e -> { });
        detector.watch("p1", List.of(PathConfig.production(Duration.ofMillis(250), Duration.ofSeconds(2))),
                ServiceProbe.NONE);
        HeartbeatCodec codec = new HeartbeatCodec("understudy-test-cluster-key-0123456789".getBytes(StandardCharsets.UTF_8));
        HeartbeatCodec forger = new HeartbeatCodec("someone-elses-key-0000000000000000000".getBytes(StandardCharsets.UTF_8));
        List<AuthFailure> failures = new CopyOnWriteArrayList<>();
        HeartbeatReceiver r = new HeartbeatReceiver("standby", PathConfig.PRODUCTION,
                new InMemoryNetwork().endpoint("standby"), codec, detector, failures::add);
        InetSocketAddress from = new InetSocketAddress("127.0.0.7", 7701);

        r.receive(from, forger.encode(new Heartbeat("p1", 1, 1, 0, PathConfig.PRODUCTION)));
        r.receive(from, new byte[] {1, 2, 3});
        r.receive(from, codec.encode(new Heartbeat("p1", 1, 2, 0, PathConfig.PRODUCTION)));

        assertEquals(1, r.forged());
        assertEquals(1, r.malformed());
        assertEquals(1, r.valid());
        assertEquals(1, failures.size(), failures.toString());
        AuthFailure f = failures.getFirst();
        assertEquals(AuthFace.HEARTBEAT, f.face());
        assertEquals("127.0.0.7", f.source());
        assertEquals("p1", f.user(), "the sender the forgery claims");
        assertTrue(f.reason().contains("bad HMAC"), f.reason());
    }

    @Test
    void randomDatagrams_namingNoSender_areCountedInTheNodesTotals() {
        // regression: 1.27 M random datagrams left every shown 'malformed' at 0: they name no path to blame
        FakeClock clock = new FakeClock();
        HealthDetector detector = new HealthDetector("standby", clock, clock, new ManualScheduler(clock),
                Runnable::run, HealthDetector.Settings.DEFAULTS, e -> { });
        HeartbeatCodec codec = new HeartbeatCodec("understudy-test-cluster-key-0123456789".getBytes(StandardCharsets.UTF_8));
        HeartbeatReceiver r = new HeartbeatReceiver("standby", PathConfig.PRODUCTION,
                new InMemoryNetwork().endpoint("standby"), codec, detector);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 1000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            r.receive(new InetSocketAddress("127.0.0.9", 4000 + i), junk);
        }
        org.understudy.model.HeartbeatTotals t = r.totals();
        assertEquals(1000, t.malformed());
        assertEquals(1000, t.rejected());
        assertEquals(0, t.valid());
        String status = org.understudy.cli.StatusFormatter.format(new org.understudy.model.ClusterSnapshot("c",
                new org.understudy.model.NodeSnapshot("standby", org.understudy.model.Role.STANDBY, "1", 1,
                        java.time.Instant.EPOCH).withHeartbeats(t), List.of(), List.of(), List.of(), List.of(), List.of(),
                org.understudy.model.FailoverSummary.NONE, java.time.Instant.EPOCH));
        assertTrue(status.contains("heartbeats  0 valid; refused 1000 malformed, 0 forged, 0 replayed"), status);
    }
}
