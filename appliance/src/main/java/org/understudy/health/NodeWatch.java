package org.understudy.health;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Logger;
import org.understudy.model.FailureDetection;

/** The detector's record of one watched node: its paths, probe, verdict and the episodes under way. Guarded by the
 * detector's lock. */
final class NodeWatch {
    final String node;
    final Map<String, PathWatch> paths;
    final ServiceProbe probe;
    /** The fast path's heartbeat grace; zero when the fast path is off for this node. */
    final Duration grace;
    NodeHealth health = NodeHealth.UP;
    /** Counts suspicion episodes so a late probe result of an earlier one is ignored. */
    long episode;
    long nextProbeAt;
    /** The slow path's facts since the node became suspect. */
    FactLog suspicion;
    /** The slow path's probe started ahead of the timeout, or null. */
    ProbeAhead ahead;
    /** The fast-path episode under way, or null. */
    ProcessDeath dying;
    /** Monotonic time of a fast-path verdict (life must be heard after it), or {@link Long#MIN_VALUE}. */
    long deadAt = Long.MIN_VALUE;
    /** A link closed while the service answered: its path and close time, until the path is heard again. */
    String resetPath;
    long resetAt;
    /** A node never heard since watching started is not suspected before its startup grace has passed. */
    final FirstContact firstContact;

    NodeWatch(String node, Map<String, PathWatch> paths, ServiceProbe probe, Duration grace, Duration startupGrace,
              long now) {
        this.node = node;
        this.paths = paths;
        this.probe = probe;
        this.grace = grace;
        this.firstContact = new FirstContact(startupGrace, now);
    }

    /** The first path that carried valid traffic after {@code t}, or null when none did. */
    String heardAfter(long t) {
        for (PathWatch p : paths.values()) {
            if (p.lastHeard - t > 0) {
                return p.config.id();
            }
        }
        return null;
    }

    /**
     * Ticks come every interval, so a path crossing its timeout (or the probe-ahead point before it) just after a
     * tick would be seen up to a whole interval late: the detection of a silent host would take the timeout plus up
     * to one interval. The time until this node's next crossing while it is watched (UP or DEGRADED), else
     * {@link Long#MAX_VALUE}; the detector ticks once more then if that comes before its next tick.
     */
    long nextCrossing(long now) {
        if (health != NodeHealth.UP && health != NodeHealth.DEGRADED) {
            return Long.MAX_VALUE;
        }
        long lead = ahead == null ? Math.max(0, probe.timeLimit().toNanos()) : 0;
        long next = Long.MAX_VALUE;
        for (PathWatch p : paths.values()) {
            long untilDown = p.lastHeard + p.config.timeout().toNanos() + 1 - now;
            if (untilDown > 0) {
                next = Math.min(next, untilDown);
            }
            long untilAhead = untilDown - lead;
            if (lead > 0 && untilAhead > 0) {
                next = Math.min(next, untilAhead);
            }
        }
        return next;
    }

    /** Runs the probe; one that throws counts as failed. */
    ServiceProbe.Result runProbe() {
        try {
            return probe.probe(node);
        } catch (RuntimeException e) {
            return new ServiceProbe.Result(false, "probe threw " + e, 0);
        }
    }

    /** Marks each path DOWN past its timeout and UP when heard again, with an event and a log line for each change. */
    void updatePaths(long now, Instant wallNow, Map<String, Long> silence, int up, List<HealthEvent> events,
                     Logger log, String self) {
        int total = paths.size();
        for (PathWatch p : paths.values()) {
            long silent = silence.get(p.config.id());
            boolean nowDown = silent > p.config.timeout().toNanos();
            if (nowDown == p.down) {
                continue;
            }
            long stateFor = now - p.changedAt;
            p.down = nowDown;
            p.changedAt = now;
            p.changedWall = wallNow;
            if (nowDown) {
                log.warn("{}: {} path {} ({}) DOWN: silent {} ms > timeout {} ms; {} of {} paths up", self, node,
                        p.config.id(), p.config.kind(), silent / 1_000_000, p.config.timeout().toMillis(), up, total);
                events.add(new HealthEvent.PathDown(node, p.config.id(), p.config.kind(), silent, up, total));
            } else {
                log.info("{}: {} path {} ({}) UP after {} ms down; {} of {} paths up", self, node, p.config.id(),
                        p.config.kind(), stateFor / 1_000_000, up, total);
                events.add(new HealthEvent.PathUp(node, p.config.id(), p.config.kind(), stateFor, up, total));
            }
        }
    }

    /**
     * After a local pause: what was heard meanwhile is unknown, so the silence of every path restarts (a path already
     * down stays down: restarting it would only fake a recovery and a flap) and a fast-path episode is dropped.
     */
    void restartSilence(long now, Logger log, String self) {
        paths.values().stream().filter(p -> !p.down).forEach(p -> p.lastHeard = Math.max(p.lastHeard, now));
        if (dying != null) {
            log.warn("{}: {} fast path dropped by the local pause: what was heard meanwhile is unknown, the slow path "
                    + "decides", self, node);
            dying = null;
        }
    }

    /**
     * The fast path's verdict for this node at {@code now}: declared failed (an event) when the probe was refused,
     * nothing was heard since the close and every path has been silent for the grace. Returns how long until it
     * should be looked at again, or -1 when no episode waits.
     */
    long decideFast(long now, List<HealthEvent> events, Logger log, String self) {
        ProcessDeath d = dying;
        if (d == null || d.refusal == null) {
            return -1;
        }
        String heard = heardAfter(d.closedAt);
        if (heard != null) {
            dying = null;
            log.warn("{}: {} heard on {} {} ms after its link closed: alive, fast path dropped", self, node, heard,
                    (paths.get(heard).lastHeard - d.closedAt) / 1_000_000);
            return -1;
        }
        // the closed path says nothing until the peer reconnects: the grace is counted on the others (if any)
        long graceNanos = grace.toNanos();
        long wait = 0;
        Map<String, Long> silence = new LinkedHashMap<>();
        for (PathWatch p : paths.values()) {
            long silent = Math.max(0, now - p.lastHeard);
            silence.put(p.config.id(), silent);
            if (!p.config.id().equals(d.path) || paths.size() == 1) {
                wait = Math.max(wait, graceNanos - silent);
            }
        }
        if (wait > 0) {
            return wait;
        }
        d.facts.add(now, "heartbeat-grace", "nothing heard on any path since the close; no heartbeat for the grace of "
                + grace.toMillis() + " ms (" + HealthEvent.describe(silence) + ")");
        FailureDetection detection = d.facts.finish(FailureDetection.PROCESS_DEAD, now);
        dying = null;
        health = NodeHealth.FAILED;
        episode++;
        deadAt = now;
        log.error("{}: {} FAILED ({}): {}", self, node, FailureDetection.PROCESS_DEAD, detection.describe());
        events.add(new HealthEvent.Failed(node, silence, d.refusal.detail(), detection));
        return -1;
    }
}
