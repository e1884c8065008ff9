package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test fault proxy itself, over a loopback echo server. */
class FaultProxyTest {
    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread e = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // client gone
                        }
                    });
                    e.setDaemon(true);
                    e.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(2000);
        return s;
    }

    private static byte[] roundTrip(Socket s, byte[] data) throws IOException {
        s.getOutputStream().write(data);
        return s.getInputStream().readNBytes(data.length);
    }

    @Test
    void forward_countsBytesBothWays() throws Exception {
        try (Socket s = connect()) {
            assertArrayEquals("hello".getBytes(), roundTrip(s, "hello".getBytes()));
        }
        assertEquals(5, proxy.bytes(FaultProxy.Direction.TO_TARGET));
        assertEquals(5, proxy.bytes(FaultProxy.Direction.TO_CLIENT));
    }

    @Test
    void cut_closesOpenConnections_refusesNew_untilHealed() throws Exception {
        try (Socket s = connect()) {
            roundTrip(s, "x".getBytes());
            proxy.cut();
            assertEquals(-1, s.getInputStream().read());
        }
        try (Socket s = connect()) {
            s.getOutputStream().write(1);
            assertEquals(-1, s.getInputStream().read(), "refused: closed at once");
        }
        proxy.heal();
        try (Socket s = connect()) {
            assertArrayEquals("ok".getBytes(), roundTrip(s, "ok".getBytes()));
        }
    }

    @Test
    void blackhole_holdsTraffic_thenDelivers() throws Exception {
        try (Socket s = connect()) {
            proxy.blackhole(true);
            s.getOutputStream().write("late".getBytes());
            s.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            proxy.blackhole(false);
            s.setSoTimeout(2000);
            assertArrayEquals("late".getBytes(), s.getInputStream().readNBytes(4));
        }
    }

    @Test
    void drop_oneDirection_discards() throws Exception {
        try (Socket s = connect()) {
            proxy.drop(FaultProxy.Direction.TO_CLIENT, true);
            s.getOutputStream().write("gone".getBytes());
            s.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            proxy.drop(FaultProxy.Direction.TO_CLIENT, false);
            s.setSoTimeout(2000);
            assertArrayEquals("back".getBytes(), roundTrip(s, "back".getBytes()));
        }
    }

    @Test
    void corruptNext_flipsOneByte_andDelayHolds() throws Exception {
        try (Socket s = connect()) {
            proxy.corruptNext(FaultProxy.Direction.TO_TARGET, 1);
            byte[] back = roundTrip(s, "abcd".getBytes());
            assertTrue(!new String(back).equals("abcd"), "one byte flipped");
            proxy.delay(Duration.ofMillis(200));
            long t0 = System.nanoTime();
            assertArrayEquals("efgh".getBytes(), roundTrip(s, "efgh".getBytes()));
            assertTrue(System.nanoTime() - t0 >= 190_000_000L, "delayed");
        }
    }

    @Test
    void healAfter_boundsAFault() throws Exception {
        proxy.cut();
        proxy.healAfter(Duration.ofMillis(200));
        Poll.until(Duration.ofSeconds(5), "healed", () -> {
            try (Socket s = connect()) {
                return roundTrip(s, "y".getBytes()).length == 1;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
