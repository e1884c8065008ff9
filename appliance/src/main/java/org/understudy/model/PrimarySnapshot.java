package org.understudy.model;

import java.time.Instant;
import java.util.List;

/**
 * The standby's view of one primary at a point in time.
 *
 * @param cause        why it entered {@code state}, with numbers
 * @param since        wall time of that transition
 * @param paths        its health paths
 * @param lastFailover the last takeover of it (automatic or forced failover, or switchover; never a failback, which
 *                     is no failover) with its timeline, or null if none yet
 * @param failovers    takeovers of this primary (automatic, forced or planned) since the standby started
 * @param caps         the bandwidth caps on its replication traffic (see {@link BandwidthCaps} for how exact)
 * @param running      the takeover, switchover or failback under way, as far as it got (not completed); null when
 *                     none runs
 * @param lastSequence the last takeover, switchover or failback that ended (a failback too, unlike
 *                     {@code lastFailover}), with its timeline; null if none yet
 * @param detection    the figures its failure is detected with (the standby's view); null where not known
 */
public record PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                              FailoverTimeline lastFailover, long failovers, BandwidthCaps caps,
                              FailoverTimeline running, FailoverTimeline lastSequence, DetectionSettings detection) {
    public PrimarySnapshot {
        paths = List.copyOf(paths);
        java.util.Objects.requireNonNull(caps, "caps");
    }

    public PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                           FailoverTimeline lastFailover, long failovers, BandwidthCaps caps, FailoverTimeline running,
                           FailoverTimeline lastSequence) {
        this(name, state, cause, since, paths, lastFailover, failovers, caps, running, lastSequence, null);
    }

    public PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                           FailoverTimeline lastFailover, long failovers, BandwidthCaps caps, FailoverTimeline running) {
        this(name, state, cause, since, paths, lastFailover, failovers, caps, running, lastFailover);
    }

    public PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                           FailoverTimeline lastFailover, long failovers, BandwidthCaps caps) {
        this(name, state, cause, since, paths, lastFailover, failovers, caps, null);
    }

    /** A primary whose caps the caller does not know yet: unlimited until {@link #withCaps} says otherwise. */
    public PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                           FailoverTimeline lastFailover, long failovers) {
        this(name, state, cause, since, paths, lastFailover, failovers, BandwidthCaps.UNLIMITED);
    }

    public PrimarySnapshot withCaps(BandwidthCaps c) {
        return new PrimarySnapshot(name, state, cause, since, paths, lastFailover, failovers, c, running, lastSequence,
                detection);
    }

    public PrimarySnapshot withRunning(FailoverTimeline r) {
        return new PrimarySnapshot(name, state, cause, since, paths, lastFailover, failovers, caps, r, lastSequence,
                detection);
    }

    public PrimarySnapshot withLastSequence(FailoverTimeline t) {
        return new PrimarySnapshot(name, state, cause, since, paths, lastFailover, failovers, caps, running, t,
                detection);
    }

    public PrimarySnapshot withDetection(DetectionSettings d) {
        return new PrimarySnapshot(name, state, cause, since, paths, lastFailover, failovers, caps, running,
                lastSequence, d);
    }

    /** A primary no takeover was counted for. */
    public PrimarySnapshot(String name, PrimaryState state, String cause, Instant since, List<PathSnapshot> paths,
                           FailoverTimeline lastFailover) {
        this(name, state, cause, since, paths, lastFailover, 0);
    }
}
