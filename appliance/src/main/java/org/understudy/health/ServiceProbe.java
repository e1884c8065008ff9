package org.understudy.health;

/**
 * A confirming check of a silent node's service, run before it is declared failed: an NBD handshake against each
 * export (supplied by the daemon over its NBD client), a TCP connect ({@link TcpConnectProbe}) or a probe script
 * ({@link ScriptProbe}). Implementations may block, but must bound their time themselves (a timeout); they run on the
 * detector's probe executor. They must be thread-safe.
 */
@FunctionalInterface
public interface ServiceProbe {

    /** The outcome of one probe. */
    record Result(boolean alive, String detail, long durationNanos) {
    }

    Result probe(String node);

    /** For watches with no probe (the primary watching the standby): silence alone decides. */
    ServiceProbe NONE = node -> new Result(false, "no probe configured", 0);

    /** Alive if any of {@code probes} says alive (e.g. one NBD handshake per export). */
    static ServiceProbe anyAlive(java.util.List<ServiceProbe> probes) {
        java.util.List<ServiceProbe> copy = java.util.List.copyOf(probes);
        return node -> {
            StringBuilder detail = new StringBuilder();
            long total = 0;
            for (ServiceProbe p : copy) {
                Result r = p.probe(node);
                total += r.durationNanos();
                if (r.alive()) {
                    return new Result(true, r.detail(), total);
                }
                detail.append(detail.isEmpty() ? "" : "; ").append(r.detail());
            }
            return new Result(false, detail.isEmpty() ? "no probes" : detail.toString(), total);
        };
    }
}
