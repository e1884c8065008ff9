package org.understudy.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The UDP transport reads in rounds (wait, take every datagram waiting, pause when they come often): a burst far larger
 * than one per pause arrives whole and in time, a lone peer's datagrams far apart cost no pause, and a closed
 * transport gives its port back at once.
 */
class UdpTransportTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void aBurstOfManyPeersArrivesWhole() throws Exception {
        Set<String> got = ConcurrentHashMap.newKeySet();
        try (UdpTransport in = new UdpTransport("in", ANY); UdpTransport out = new UdpTransport("out", ANY)) {
            in.receiver((from, msg) -> got.add(new String(msg)));
            long t0 = System.nanoTime();
            for (int round = 0; round < 4; round++) {
                for (int p = 0; p < 100; p++) {   // 100 primaries' heartbeats, all at once
                    out.send(in.localAddress(), ("p" + p + "/" + round).getBytes());
                }
                // one round at a time stays far inside the socket's receive buffer
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (got.size() < 100 * (round + 1) && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            }
            assertEquals(400, got.size(), "every datagram of the bursts");
            // one datagram per pause would need at least 4 s for 400; draining takes each burst in a round or two
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "delivered in rounds, not one per pause");
            assertTrue(in.gatheringPauses() > 0, "datagrams that come many at a time are gathered by pauses");
        }
    }

    @Test
    void aLonePeerAtItsIntervalIsReadWithoutPauses() throws Exception {
        // a primary hears only its standby, a heartbeat every interval: a pause after each would be a second
        // wake-up of the reader per heartbeat
        AtomicInteger got = new AtomicInteger();
        try (UdpTransport in = new UdpTransport("in", ANY); UdpTransport out = new UdpTransport("out", ANY)) {
            in.receiver((from, msg) -> got.incrementAndGet());
            for (int i = 1; i <= 5; i++) {
                out.send(in.localAddress(), "heartbeat".getBytes());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (got.get() < i && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertEquals(i, got.get(), "datagram " + i + " arrived");
                Thread.sleep(4 * UdpTransport.BUSY_MILLIS);   // far apart, as heartbeats are
            }
            assertEquals(0, in.gatheringPauses(), "no pause after a lone datagram long after the one before");
        }
    }

    @Test
    void aClosedTransportReleasesItsPort() throws Exception {
        UdpTransport first = new UdpTransport("first", ANY);
        InetSocketAddress bound = first.localAddress();
        first.close();
        try (var again = java.nio.channels.DatagramChannel.open()) {
            again.bind(bound);   // throws BindException while the old socket lingers
            again.configureBlocking(false);
            assertEquals(null, again.receive(ByteBuffer.allocate(16)));
        }
    }
}
