package org.understudy.model;

import java.time.Duration;
import java.time.Instant;

/**
 * One health path from the watching node to a watched node at a point in time.
 *
 * @param node      the watched node (a primary on the standby, the standby on a primary)
 * @param path      the path's configured id (e.g. "link", "production")
 * @param silentFor time since the last valid traffic on this path (point-in-time figure)
 * @param since     wall time of the last state change
 * @param valid     valid heartbeats received on this path since start
 * @param replayed  heartbeats ignored as replays (sequence not newer)
 * @param forged    heartbeats ignored for a bad MAC
 * @param malformed messages that could not be decoded
 */
public record PathSnapshot(String node, String path, PathKind kind, PathState state, Duration silentFor,
                           Instant since, long valid, long replayed, long forged, long malformed) {
}
