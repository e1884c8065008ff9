package org.understudy.primary;

import org.understudy.admin.AdminServer;

/**
 * The primary's internal admin routes, called by the standby with the node credential (never an operator's token,
 * which gets 403 here) during a forced failover, a planned switchover and a failback:
 * <ul>
 *   <li>{@code POST /api/internal/drain}: stop taking writes, finish those in flight, flush through to the
 *       standby; answers {@code ok}, {@code message} and per volume {@code flushAcked} and {@code state}. On success
 *       the primary is fenced (it handed its role over).</li>
 *   <li>{@code POST /api/internal/resume} {@code {"reason": ..., "epoch": N}}: serve again (a stopped switchover, a
 *       failback, a cleared fence). {@code epoch} (absent or 0: none) is the standby's fencing epoch for this primary:
 *       every volume's identity takes it, durably, before the primary serves, so its links are accepted again.</li>
 *   <li>{@code POST /api/internal/copy-from}: while fenced, start copying ranges from the standby's NBD copy source
 *       into the local volumes (body and decision in {@link FailbackCopy}); answers at once with the plan or why it
 *       is refused.</li>
 *   <li>{@code GET /api/internal/copy-status}: {@code running}, {@code ok}, {@code message}, {@code bytesDone},
 *       {@code bytesTotal} of the last copy.</li>
 *   <li>{@code POST /api/internal/fence} {@code {"epoch": N, "reason": ...}}: the standby raised this primary's
 *       fencing epoch to N (a takeover): unless it already holds N, the primary fences itself at once (exports
 *       closed) instead of waiting to learn it from a refused link; answers {@code ok}, {@code serving},
 *       {@code message}.</li>
 *   <li>{@code POST /api/internal/snapshot-cut} {@code {"cut": ID, "volumes": [...]}}: queue a snapshot cut marker on
 *       every named volume's link at one point of the write stream; answers {@code ok}, {@code message} and each
 *       volume's marker sequence number.</li>
 * </ul>
 */
final class PrimaryInternalRoutes {
    private PrimaryInternalRoutes() {
    }

    static void register(AdminServer admin, PrimaryNode node) {
        admin.internalRoute("POST", "/api/internal/drain", req -> node.drain());
        admin.internalRoute("POST", "/api/internal/resume", req -> node.resume(
                req.body().path("reason").asText("asked by the standby"), req.body().path("epoch").asLong(0)));
        admin.internalRoute("POST", "/api/internal/copy-from", req -> node.copyFrom(req.body()));
        admin.internalRoute("GET", "/api/internal/copy-status", req -> node.copyStatus());
        admin.internalRoute("POST", "/api/internal/fence", req -> node.fencedByStandby(
                req.body().path("epoch").asLong(0), req.body().path("reason").asText("a takeover"),
                req.caller().name()));
        admin.internalRoute("POST", "/api/internal/snapshot-cut", req -> node.snapshotCut(req.body()));
    }
}
