package org.understudy.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.understudy.script.ScriptRunner;
import org.junit.jupiter.api.Test;

class ServiceProbeTest {

    @Test
    void scriptProbe_exitZero_alive() {
        assertTrue(new ScriptProbe(List.of("true"), Duration.ofSeconds(5)).probe("p1").alive());
    }

    @Test
    void scriptProbe_exitNonZero_notAlive() {
        var r = new ScriptProbe(List.of("false"), Duration.ofSeconds(5)).probe("p1");
        assertFalse(r.alive());
        assertTrue(r.detail().contains("exit 1"), r.detail());
    }

    @Test
    void scriptProbe_seesPrimaryName() {
        var r = new ScriptProbe(List.of("sh", "-c", "test \"$UNDERSTUDY_PRIMARY\" = p7"), Duration.ofSeconds(5))
                .probe("p7");
        assertTrue(r.alive(), r.detail());
    }

    @Test
    void scriptRunner_hangingCommand_killedAtTimeout() {
        var o = new ScriptRunner().run(List.of("sleep", "30"), Map.of(), Duration.ofMillis(200));
        assertTrue(o.timedOut());
        assertFalse(o.ok());
        assertTrue(o.durationNanos() < Duration.ofSeconds(5).toNanos(), o.describe());
    }

    @Test
    void scriptRunner_missingProgram_cleanFailure() {
        var o = new ScriptRunner().run(List.of("/nonexistent/understudy-probe"), Map.of(), Duration.ofSeconds(1));
        assertFalse(o.ok());
        assertTrue(o.output().contains("cannot start"), o.output());
    }

    @Test
    void tcpConnectProbe_listening_aliveElseNot() throws IOException {
        InetSocketAddress addr;
        try (ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort());
            assertTrue(new TcpConnectProbe(addr, Duration.ofSeconds(2), System::nanoTime).probe("p1").alive());
        }
        var r = new TcpConnectProbe(addr, Duration.ofSeconds(2), System::nanoTime).probe("p1");
        assertFalse(r.alive());
        assertTrue(r.detail().contains("failed"), r.detail());
        assertTrue(r.refused(), "nothing listens on a live host: " + r.detail());
    }

    @Test
    void anyAlive_refusedOnlyWhenEveryProbeWasRefused() {
        ServiceProbe refused = n -> new ServiceProbe.Result(false, "refused", 1, true);
        ServiceProbe timedOut = n -> new ServiceProbe.Result(false, "timed out", 1);
        assertTrue(ServiceProbe.anyAlive(List.of(refused, refused)).probe("p1").refused());
        assertFalse(ServiceProbe.anyAlive(List.of(refused, timedOut)).probe("p1").refused(),
                "one time-out leaves the host's state unknown");
        assertFalse(ServiceProbe.anyAlive(List.of()).probe("p1").refused());
    }

    @Test
    void anyAlive_resetWhenEveryProbeWasRefusedOrReset_andOneReset() {
        ServiceProbe refused = n -> new ServiceProbe.Result(false, "refused", 1, true);
        ServiceProbe reset = n -> new ServiceProbe.Result(false, "reset", 1, false, true);
        ServiceProbe timedOut = n -> new ServiceProbe.Result(false, "timed out", 1);
        var r = ServiceProbe.anyAlive(List.of(refused, reset)).probe("p1");
        assertTrue(r.reset() && !r.refused(), r.toString());
        assertFalse(ServiceProbe.anyAlive(List.of(reset, timedOut)).probe("p1").reset(),
                "one time-out leaves the host's state unknown");
        var both = ServiceProbe.anyAlive(List.of(refused, refused)).probe("p1");
        assertTrue(both.refused() && !both.reset());
    }

    @Test
    void nbdProbe_connectionTakenThenReset_resetNotRefused_closedPort_refused() throws Exception {
        // what a probe meets while a killed process's listening socket still exists: taken, then reset
        InetAddress lo = InetAddress.getLoopbackAddress();
        InetSocketAddress addr;
        try (ServerSocket ss = new ServerSocket(0, 10, lo)) {
            addr = new InetSocketAddress(lo, ss.getLocalPort());
            Thread resetter = Thread.ofPlatform().start(() -> {
                try (java.net.Socket s = ss.accept()) {
                    s.setSoLinger(true, 0); // close with a RST
                } catch (IOException ignored) {
                    // the test fails on the probe's result instead
                }
            });
            var r = new NbdProbe(addr, List.of("vol0"), Duration.ofSeconds(2), System::nanoTime).probe("p1");
            resetter.join();
            assertTrue(r.reset() && !r.refused() && !r.alive(), r.toString());
            assertTrue(r.detail().contains("(reset)"), r.detail());
        }
        var r = new NbdProbe(addr, List.of("vol0"), Duration.ofSeconds(2), System::nanoTime).probe("p1");
        assertTrue(r.refused() && !r.reset(), r.toString());
    }

    @Test
    void anyAlive_oneOfTwoAnswers_alive() {
        ServiceProbe dead = n -> new ServiceProbe.Result(false, "export a: refused", 1);
        ServiceProbe live = n -> new ServiceProbe.Result(true, "export b: handshake ok", 1);
        assertTrue(ServiceProbe.anyAlive(List.of(dead, live)).probe("p1").alive());
        var r = ServiceProbe.anyAlive(List.of(dead, dead)).probe("p1");
        assertFalse(r.alive());
        assertTrue(r.detail().contains("export a: refused; export a: refused"), r.detail());
    }
}
