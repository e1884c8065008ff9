package org.understudy.health;

/**
 * A confirming check of a silent node's service, run before it is declared failed: an NBD handshake against each
 * export (supplied by the daemon over its NBD client), a TCP connect ({@link TcpConnectProbe}) or a probe script
 * ({@link ScriptProbe}). Implementations may block, but must bound their time themselves (a timeout); they run on the
 * detector's probe executor. They must be thread-safe.
 */
@FunctionalInterface
public interface ServiceProbe {

    /**
     * The outcome of one probe.
     *
     * @param refused the service's host answered and refused the connection (an explicit refusal, not a time-out):
     *                the host is up and nothing listens, the fact the fast path of detection needs
     */
    record Result(boolean alive, String detail, long durationNanos, boolean refused) {
        public Result {
            if (alive && refused) {
                throw new IllegalArgumentException("a probe cannot both answer and be refused");
            }
        }

        /** A result that says nothing of a refusal (alive, or failed in some other way). */
        public Result(boolean alive, String detail, long durationNanos) {
            this(alive, detail, durationNanos, false);
        }
    }

    /**
     * True when {@code e} is an explicit refusal of a connection by the remote host (TCP RST to the SYN: nothing
     * listens there), as opposed to a time-out, an unreachable network or a failure after connecting.
     */
    static boolean isRefusal(java.io.IOException e) {
        return e instanceof java.net.ConnectException;
    }

    Result probe(String node);

    /**
     * The longest a probe takes (its time-out), or zero if unknown. The slow path starts a probe this long before
     * the silence timeout, so a probe that times out (a frozen host) has its answer in when the timeout passes.
     */
    default java.time.Duration timeLimit() {
        return java.time.Duration.ZERO;
    }

    /** For watches with no probe (the primary watching the standby): silence alone decides. */
    ServiceProbe NONE = node -> new Result(false, "no probe configured", 0);

    /** Alive if any of {@code probes} says alive (e.g. one NBD handshake per export); refused if every one was. */
    static ServiceProbe anyAlive(java.util.List<ServiceProbe> probes) {
        java.util.List<ServiceProbe> copy = java.util.List.copyOf(probes);
        return node -> {
            StringBuilder detail = new StringBuilder();
            long total = 0;
            boolean refused = !copy.isEmpty();
            for (ServiceProbe p : copy) {
                Result r = p.probe(node);
                total += r.durationNanos();
                if (r.alive()) {
                    return new Result(true, r.detail(), total);
                }
                refused &= r.refused();
                detail.append(detail.isEmpty() ? "" : "; ").append(r.detail());
            }
            return new Result(false, detail.isEmpty() ? "no probes" : detail.toString(), total, refused);
        };
    }
}
