package org.understudy.model;

/**
 * What a node's heartbeat port received since the node started, whoever sent it: the datagrams a path cannot be
 * blamed for (garbage naming no sender, heartbeats of nodes it does not watch) show here and nowhere else. Immutable.
 *
 * @param valid         heartbeats accepted as life
 * @param replayed      authentic but not newer than the last one (ignored)
 * @param forged        well formed but with a wrong HMAC (each a refused authentication on record)
 * @param malformed     datagrams that are no heartbeat of this version (truncated, bad magic, bad lengths)
 * @param fromUnwatched valid heartbeats of nodes this node does not watch
 */
public record HeartbeatTotals(long valid, long replayed, long forged, long malformed, long fromUnwatched) {
    public static final HeartbeatTotals NONE = new HeartbeatTotals(0, 0, 0, 0, 0);

    /** Datagrams refused for any reason. */
    public long rejected() {
        return replayed + forged + malformed;
    }
}
