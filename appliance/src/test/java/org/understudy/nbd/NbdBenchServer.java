package org.understudy.nbd;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.understudy.storage.FileBlockDevice;

/**
 * Test-scope launcher for benchmarks and manual checks: serves one file as export {@code bench}.
 * Usage: {@code NbdBenchServer FILE SIZE_BYTES PORT}. Runs until killed.
 */
public final class NbdBenchServer {
    private NbdBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long size = Long.parseLong(args[1]);
        int port = Integer.parseInt(args[2]);
        MutableNbdExports exports = new MutableNbdExports();
        exports.put("bench", FileBlockDevice.open(file, size, "bench"));
        try (NbdServer server = NbdServer.start(new InetSocketAddress("127.0.0.1", port), exports)) {
            System.out.println("listening on " + server.port());
            new CountDownLatch(1).await();
        }
    }
}
