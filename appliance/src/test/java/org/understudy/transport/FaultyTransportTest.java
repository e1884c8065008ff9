package org.understudy.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultyTransportTest {
    private final FakeClock clock = new FakeClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryNetwork net = new InMemoryNetwork();
    private final FaultyTransport a = new FaultyTransport(net.endpoint("a"), scheduler, 1);
    private final FaultyTransport b = new FaultyTransport(net.endpoint("b"), scheduler, 2);
    private final List<byte[]> atB = new ArrayList<>();

    FaultyTransportTest() {
        b.receiver((from, msg) -> atB.add(msg));
    }

    private void send(int n) {
        for (int i = 0; i < n; i++) {
            a.send(b.localAddress(), new byte[] {(byte) i, 1, 2, 3});
        }
    }

    @Test
    void noFaults_everythingDelivered() {
        send(10);
        assertEquals(10, atB.size());
    }

    @Test
    void dropProbability_seeded_repeatableLoss() {
        a.dropProbability(0.5);
        send(1000);
        int first = atB.size();
        assertTrue(first > 400 && first < 600, "delivered " + first);
        FaultyTransport again = new FaultyTransport(net.endpoint("a2"), scheduler, 1).dropProbability(0.5);
        atB.clear();
        for (int i = 0; i < 1000; i++) {
            again.send(b.localAddress(), new byte[] {1});
        }
        assertEquals(first, atB.size(), "same seed, same losses");
    }

    @Test
    void cutOneDirection_onlyThatDirectionLost() {
        List<byte[]> atA = new ArrayList<>();
        a.receiver((from, msg) -> atA.add(msg));
        b.cutInbound(true);
        send(3);
        b.send(a.localAddress(), new byte[] {9});
        assertEquals(0, atB.size());
        assertEquals(1, atA.size());
        assertEquals(3, b.dropped());
    }

    @Test
    void delay_deliveredOnlyAfterTheDelay() {
        a.delay(Duration.ofMillis(300).toNanos());
        send(1);
        scheduler.advance(Duration.ofMillis(299));
        assertEquals(0, atB.size());
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(1, atB.size());
    }

    @Test
    void corruptAndDuplicate_alteredCopiesTwice() {
        a.corrupt(true).duplicate(true);
        send(1);
        assertEquals(2, atB.size());
        assertTrue(Arrays.equals(atB.get(0), atB.get(1)));
        assertFalse(Arrays.equals(new byte[] {0, 1, 2, 3}, atB.get(0)));
    }

    @Test
    void heal_clearsEveryFault() {
        a.dropAll(true).cutOutbound(true).corrupt(true);
        a.heal();
        send(1);
        assertTrue(Arrays.equals(new byte[] {0, 1, 2, 3}, atB.get(0)));
    }
}
