package org.understudy.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.understudy.nbd.NbdClient;

/**
 * The default confirming probe: an NBD handshake against the primary's service address, listing its exports
 * (OPT_LIST) and requiring every expected export to be offered. Any answering NBD server counts as alive only if it
 * offers them, so a port answered by something else is not mistaken for the primary. Bounded by {@code timeout}.
 * Thread-safe (stateless).
 */
public final class NbdProbe implements ServiceProbe {
    private final InetSocketAddress address;
    private final List<String> exports;
    private final Duration timeout;
    private final LongSupplier clock;

    public NbdProbe(InetSocketAddress address, List<String> exports, Duration timeout, LongSupplier clock) {
        this.address = address;
        this.exports = List.copyOf(exports);
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public Duration timeLimit() {
        return timeout;
    }

    @Override
    public Result probe(String node) {
        long t0 = clock.getAsLong();
        try {
            List<String> offered = NbdClient.list(address, timeout);
            long took = clock.getAsLong() - t0;
            List<String> missing = exports.stream().filter(e -> !offered.contains(e)).toList();
            if (missing.isEmpty()) {
                return new Result(true, String.format("NBD %s answers with exports %s in %.1f ms", address, offered,
                        took / 1e6), took);
            }
            return new Result(false, String.format("NBD %s answers but lacks exports %s (offers %s)", address, missing,
                    offered), took);
        } catch (IOException e) {
            long took = clock.getAsLong() - t0;
            return Result.failed(String.format("NBD handshake with %s failed after %.1f ms%s: %s", address,
                    took / 1e6, ServiceProbe.label(e), e.getMessage()), took, e);
        }
    }
}
