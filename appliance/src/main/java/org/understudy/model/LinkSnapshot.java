package org.understudy.model;

import java.time.Instant;

/**
 * One replication link as one end sees it.
 *
 * @param peer   the node at the other end
 * @param volume the volume it carries
 * @param since  wall time of the last state change
 * @param detail why it is in this state (the last error, the remote address)
 */
public record LinkSnapshot(String peer, String volume, LinkState state, Instant since, String detail) {
}
