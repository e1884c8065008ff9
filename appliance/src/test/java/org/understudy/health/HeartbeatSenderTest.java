package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.transport.DatagramTransport;
import org.understudy.transport.FakeClock;
import org.understudy.transport.ManualScheduler;

/**
 * The heartbeat sender shares one scheduler tick among the streams of one interval: every stream still gets a
 * heartbeat every interval, numbered in order, and a standby of many primaries wakes once per interval, not once per
 * primary.
 */
class HeartbeatSenderTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private final FakeClock clock = new FakeClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final HeartbeatCodec codec = new HeartbeatCodec(KEY);
    private final Map<InetSocketAddress, List<Heartbeat>> sent = new HashMap<>();

    private final DatagramTransport transport = new DatagramTransport() {
        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }

        @Override
        public void send(InetSocketAddress to, byte[] message) {
            Heartbeat hb = ((HeartbeatCodec.Decoded.Valid) codec.decode(message)).heartbeat();
            sent.computeIfAbsent(to, k -> new ArrayList<>()).add(hb);
        }

        @Override
        public void receiver(Receiver receiver) {
        }

        @Override
        public void close() {
        }
    };

    private static InetSocketAddress peer(int i) {
        return new InetSocketAddress("127.0.1." + i, 7701);
    }

    @Test
    void everyPeerGetsAHeartbeatEveryIntervalFromOneTickPerInterval() {
        HeartbeatSender sender = new HeartbeatSender("standby", 7, codec, scheduler, clock);
        PathConfig fast = PathConfig.production(Duration.ofMillis(250), Duration.ofSeconds(2));
        PathConfig slow = PathConfig.production(Duration.ofMillis(1000), Duration.ofSeconds(8));
        for (int i = 1; i <= 100; i++) {
            sender.addTarget(i <= 90 ? fast : slow, transport, peer(i));
        }
        sender.start();
        assertEquals(2, scheduler.pending(), "one tick per distinct interval, not one timer per peer");
        sender.addTarget(fast, transport, peer(101));   // a primary added while running joins the tick of its interval
        assertEquals(2, scheduler.pending());

        scheduler.advance(Duration.ofMillis(2000));

        for (int i = 1; i <= 101; i++) {
            List<Heartbeat> got = sent.getOrDefault(peer(i), List.of());
            int want = i <= 90 || i == 101 ? 8 : 2;
            assertEquals(want, got.size(), "heartbeats to peer " + i);
            for (int k = 0; k < got.size(); k++) {
                assertEquals(k + 1, got.get(k).sequence(), "numbered in order for peer " + i);
                assertEquals("standby", got.get(k).sender());
            }
        }
    }

    @Test
    void stopEndsEveryStream() {
        HeartbeatSender sender = new HeartbeatSender("p1", 9, codec, scheduler, clock);
        sender.addTarget(PathConfig.production(Duration.ofMillis(250), Duration.ofSeconds(2)), transport, peer(1));
        sender.start();
        scheduler.advance(Duration.ofMillis(500));
        sender.stop();
        scheduler.advance(Duration.ofMillis(1000));
        assertEquals(2, sent.get(peer(1)).size());
        sender.start();
        scheduler.advance(Duration.ofMillis(250));
        assertEquals(3, sent.get(peer(1)).size(), "started again after a stop");
    }
}
