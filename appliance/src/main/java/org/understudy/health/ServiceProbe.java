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
     * @param reset   the host took the connection, then reset or closed it before the service said a word: what a
     *                client sees when it connects in the moments a dying process's listening socket still exists
     *                (the kernel accepts, then resets as the socket closes), but also what a live service at its
     *                connection limit may do. Ambiguous, so never a fact of death by itself: the fast path asks again
     */
    record Result(boolean alive, String detail, long durationNanos, boolean refused, boolean reset) {
        public Result {
            if ((alive ? 1 : 0) + (refused ? 1 : 0) + (reset ? 1 : 0) > 1) {
                throw new IllegalArgumentException("a probe answers, is refused or is reset: one of them at most");
            }
        }

        /** A result that says nothing of a reset. */
        public Result(boolean alive, String detail, long durationNanos, boolean refused) {
            this(alive, detail, durationNanos, refused, false);
        }

        /** A result that says nothing of a refusal or a reset (alive, or failed in some other way). */
        public Result(boolean alive, String detail, long durationNanos) {
            this(alive, detail, durationNanos, false);
        }

        /** The failed result of a probe that threw {@code e} after {@code took} ns, classified refused or reset. */
        public static Result failed(String detail, long took, java.io.IOException e) {
            return new Result(false, detail, took, isRefusal(e), isReset(e));
        }
    }

    /**
     * True when {@code e} is an explicit refusal of a connection by the remote host (TCP RST to the SYN: nothing
     * listens there), as opposed to a time-out, an unreachable network or a failure after connecting.
     */
    static boolean isRefusal(java.io.IOException e) {
        return e instanceof java.net.ConnectException;
    }

    /**
     * True when the remote host took the connection and then reset or closed it before any reply: a TCP RST after the
     * handshake ("Connection reset") or an end of stream where the greeting was due.
     */
    static boolean isReset(java.io.IOException e) {
        return e instanceof java.io.EOFException
                || e instanceof java.net.SocketException && !(e instanceof java.net.ConnectException)
                && e.getMessage() != null && e.getMessage().contains("reset");
    }

    /** " (refused)", " (reset)" or nothing: how a failed probe's detail names its kind of failure. */
    static String label(java.io.IOException e) {
        return isRefusal(e) ? " (refused)" : isReset(e) ? " (reset)" : "";
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

    /**
     * Alive if any of {@code probes} says alive (e.g. one NBD handshake per export); refused if every one was; reset
     * if every one was refused or reset and one at least reset.
     */
    static ServiceProbe anyAlive(java.util.List<ServiceProbe> probes) {
        java.util.List<ServiceProbe> copy = java.util.List.copyOf(probes);
        return node -> {
            StringBuilder detail = new StringBuilder();
            long total = 0;
            boolean refused = !copy.isEmpty();
            boolean reset = false;
            boolean refusedOrReset = !copy.isEmpty();
            for (ServiceProbe p : copy) {
                Result r = p.probe(node);
                total += r.durationNanos();
                if (r.alive()) {
                    return new Result(true, r.detail(), total);
                }
                refused &= r.refused();
                reset |= r.reset();
                refusedOrReset &= r.refused() || r.reset();
                detail.append(detail.isEmpty() ? "" : "; ").append(r.detail());
            }
            return new Result(false, detail.isEmpty() ? "no probes" : detail.toString(), total, refused,
                    !refused && reset && refusedOrReset);
        };
    }
}
