package org.understudy.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.LongSupplier;

/** A {@link ServiceProbe} that is alive when a TCP connect to one address succeeds within the timeout. Thread-safe. */
public final class TcpConnectProbe implements ServiceProbe {
    private final InetSocketAddress address;
    private final Duration timeout;
    private final LongSupplier nanoClock;

    public TcpConnectProbe(InetSocketAddress address, Duration timeout, LongSupplier nanoClock) {
        this.address = address;
        this.timeout = timeout;
        this.nanoClock = nanoClock;
    }

    @Override
    public Result probe(String node) {
        long start = nanoClock.getAsLong();
        try (Socket s = new Socket()) {
            s.connect(address, (int) Math.max(1, timeout.toMillis()));
            long took = nanoClock.getAsLong() - start;
            return new Result(true, String.format("TCP connect to %s in %.1f ms", address, took / 1e6), took);
        } catch (IOException e) {
            long took = nanoClock.getAsLong() - start;
            return Result.failed(String.format("TCP connect to %s failed after %.1f ms%s: %s", address,
                    took / 1e6, ServiceProbe.label(e), e.getMessage()), took, e);
        }
    }
}
