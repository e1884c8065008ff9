package org.understudy.primary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.config.ClusterConfig;
import org.understudy.daemon.NodeIdentity;
import org.understudy.health.HeartbeatReceiver;
import org.understudy.health.StandbyWatch;
import org.understudy.mirror.MirroredVolume;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverSummary;
import org.understudy.model.LifecycleSnapshot;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.MirrorState;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.StateModel;
import org.understudy.model.VolumeSnapshot;
import org.understudy.resync.Throttles;

/**
 * The primary's state model as its faces read it: its volumes and links, the paths to the standby, and itself as it
 * sees itself — FENCED (not serving, and why) or how well it is protected. Reads the node's parts on each call;
 * the watch and heartbeat receiver arrive once the node has started.
 */
final class PrimaryView implements StateModel {
    private final ClusterConfig cluster;
    private final String name;
    private final NodeIdentity identity;
    private final Lifecycle lifecycle;
    private final Map<String, MirroredVolume> volumes;
    private final Throttles throttles;
    private final AlarmRegistry alarms;
    private final Supplier<StandbyWatch> watch;
    private final Supplier<HeartbeatReceiver> receiver;

    PrimaryView(ClusterConfig cluster, String name, NodeIdentity identity, Lifecycle lifecycle,
                Map<String, MirroredVolume> volumes, Throttles throttles, AlarmRegistry alarms,
                Supplier<StandbyWatch> watch, Supplier<HeartbeatReceiver> receiver) {
        this.cluster = cluster;
        this.name = name;
        this.identity = identity;
        this.lifecycle = lifecycle;
        this.volumes = volumes;
        this.throttles = throttles;
        this.alarms = alarms;
        this.watch = watch;
        this.receiver = receiver;
    }

    @Override
    public ClusterSnapshot snapshot() {
        List<VolumeSnapshot> vs = new ArrayList<>();
        List<LinkSnapshot> ls = new ArrayList<>();
        for (MirroredVolume v : volumes.values()) {
            vs.add(v.snapshot());
            ls.add(v.linkSnapshot());
        }
        StandbyWatch w = watch.get();
        List<PathSnapshot> paths = w == null ? List.of() : w.detector().paths(cluster.standby().name());
        HeartbeatReceiver r = receiver.get();
        return new ClusterSnapshot(cluster.name(), identity.snapshot().withLifecycle(lifecycle.snapshot())
                .withHeartbeats(r == null ? null : r.totals()),
                List.of(selfState(vs, paths, w)), vs, ls,
                paths, alarms.active(), FailoverSummary.NONE, Instant.now());
    }

    private PrimarySnapshot selfState(List<VolumeSnapshot> vs, List<PathSnapshot> paths, StandbyWatch w) {
        LifecycleSnapshot l = lifecycle.snapshot();
        if (lifecycle.fenced()) {
            return new PrimarySnapshot(name, PrimaryState.FENCED, "not serving: " + l.cause(), l.since(),
                    paths, null, 0, throttles.capsOf(name));
        }
        PrimaryState s;
        String cause;
        if (w != null && w.standbyLost()) {
            s = PrimaryState.DEGRADED;
            cause = "standby lost; serving unprotected";
        } else if (vs.stream().allMatch(v -> v.state() == MirrorState.IN_SYNC)) {
            s = PrimaryState.PROTECTED;
            cause = lower(l) + "; every volume in sync";
        } else {
            s = PrimaryState.SYNCING;
            cause = lower(l) + "; mirroring not in sync yet";
        }
        return new PrimarySnapshot(name, s, cause, identity.startedAt(), paths, null, 0, throttles.capsOf(name));
    }

    private static String lower(LifecycleSnapshot l) {
        return l.state().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " (" + l.cause() + ")";
    }
}
