package org.understudy.standby;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.failover.StepResult;
import org.understudy.failover.TakeoverTarget;

/** The await-release step over real loopback sockets: free at once, let go when told, or held and said so. */
class AddressReleaseTest {
    private final AddressRelease release = new AddressRelease("standby", System::nanoTime);

    private static TakeoverTarget target(int port) {
        return new TakeoverTarget("p1", "127.0.0.1", port, List.of("vol0"), List.of(Path.of("/r/p1/vol0.img")));
    }

    @Test
    void deadPrimary_addressFree_okAtOnceWithoutAskingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        boolean[] told = new boolean[1];
        StepResult r = release.await(target(port), 3, Duration.ofSeconds(5), false, (t, e, w) -> {
            told[0] = true;
            return "?";
        });
        assertTrue(r.ok(), r.detail());
        assertFalse(told[0], "a primary whose address is free is not asked anything");
    }

    @Test
    void livePrimary_toldItIsFenced_letsGo_okWithItsWord() throws Exception {
        ServerSocket held = new ServerSocket();
        held.bind(new InetSocketAddress("127.0.0.1", 0));
        StepResult r = release.await(target(held.getLocalPort()), 3, Duration.ofSeconds(5), true, (t, epoch, within) -> {
            try {
                held.close(); // what p1 does when told: closes its exports
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return "p1 fenced at epoch " + epoch + ": exports closed";
        });
        assertTrue(r.ok(), r.detail());
        assertTrue(r.detail().contains("let go") && r.detail().contains("fenced at epoch 3"), r.detail());
    }

    @Test
    void addressStillHeld_failsWhenTheWaitEnds_sayingWhatIsTrue() throws Exception {
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress("127.0.0.1", 0));
            long t0 = System.nanoTime();
            StepResult r = release.await(target(held.getLocalPort()), 4, Duration.ofMillis(300), true,
                    (t, epoch, within) -> "p1 holds epoch 4, not older than 4; still serving");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertFalse(r.ok());
            assertTrue(r.detail().contains("still answers on 127.0.0.1:" + held.getLocalPort())
                    && r.detail().contains("releaseTimeout 300 ms") && r.detail().contains("still serving"), r.detail());
            assertFalse(r.detail().contains("not fenced"), r.detail());
            assertTrue(ms >= 300 && ms < 3000, "bounded by the timeout: " + ms + " ms");
            assertFalse(r.detail().contains("fencingCommand"), "its fence ran: no advice to configure one");
        }
    }

    @Test
    void frozenHolder_noFencingCommand_failureNamesTheSettingAFrozenHostNeeds() throws Exception {
        // a frozen primary: its kernel still accepts on the listening socket, its admin API answers nothing
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress("127.0.0.1", 0));
            StepResult r = release.await(target(held.getLocalPort()), 5, Duration.ofMillis(200), false,
                    (t, epoch, within) -> "no answer from its admin API (timed out)");
            assertFalse(r.ok());
            assertTrue(r.detail().contains("still answers on 127.0.0.1:" + held.getLocalPort())
                    && r.detail().contains("no answer from its admin API"), r.detail());
            assertTrue(r.detail().contains("no fencing command is configured for p1")
                    && r.detail().contains("frozen host") && r.detail().contains("failover.fencingCommand"),
                    r.detail());
        }
    }
}
