package org.understudy.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.understudy.storage.BlockDevice;

/** NBD servers for the transmission tests: one device as export {@code vol0}, on loopback, any free port. */
final class NbdTestServers {
    private NbdTestServers() {
    }

    /** Serves {@code device} as {@code vol0} with at most {@code requests} and {@code bytes} in flight per connection. */
    static NbdServer servingVol0(BlockDevice device, int requests, int bytes) throws IOException {
        MutableNbdExports exports = new MutableNbdExports();
        exports.put("vol0", device);
        return NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports,
                new NbdServer.Limits(requests, bytes, Duration.ofSeconds(30)));
    }
}
