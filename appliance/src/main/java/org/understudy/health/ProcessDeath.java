package org.understudy.health;

import java.time.Instant;

/**
 * One fast-path episode of a watched node: its replication link was closed by the peer, the confirming probe runs or
 * was refused, and the detector waits for the heartbeat grace to pass with nothing heard. Guarded by the detector's
 * lock.
 */
final class ProcessDeath {
    final long closedAt;
    final String path;
    final String how;
    final FactLog facts;
    /** Probes run in this episode (a reset before the greeting is asked again). */
    int probes = 1;
    /** The probe's explicit refusal, once in; null while it runs. */
    ServiceProbe.Result refusal;

    ProcessDeath(long closedAt, Instant closedWall, String path, String how) {
        this.closedAt = closedAt;
        this.path = path;
        this.how = how;
        this.facts = new FactLog(closedAt, closedWall);
        facts.add(closedAt, "link-closed", "the peer closed path " + path + " (" + how + ")");
    }
}
