package org.understudy.jmx;

import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import org.understudy.command.Command;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.DetectionSettings;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;

/** {@link PrimaryMXBean} over the state model, for one primary name. Thread-safe. */
final class PrimaryBean implements PrimaryMXBean {
    private final Snapshots snapshots;
    private final Operations operations;
    private final String name;

    PrimaryBean(Snapshots snapshots, Operations operations, String name) {
        this.snapshots = snapshots;
        this.operations = operations;
        this.name = name;
    }

    static Optional<PrimarySnapshot> find(ClusterSnapshot s, String name) {
        return s.primaries().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private PrimarySnapshot p() {
        return find(snapshots.current(), name)
                .orElseThrow(() -> new IllegalStateException("primary " + name + " is no longer in the model"));
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getState() {
        return p().state().name();
    }

    @Override
    public String getCause() {
        return p().cause() == null ? "" : p().cause();
    }

    @Override
    public Date getSince() {
        return p().since() == null ? null : Date.from(p().since());
    }

    @Override
    public String[] getPaths() {
        return p().paths().stream().map(PathSnapshot::path).toArray(String[]::new);
    }

    @Override
    public int getPathsUp() {
        return (int) p().paths().stream().filter(x -> x.state() == PathState.UP).count();
    }

    @Override
    public Date getLastHeard() {
        ClusterSnapshot s = snapshots.current();
        Duration silent = silentFor(find(s, name).orElseThrow(() -> new IllegalStateException("primary " + name + " is gone")));
        return silent == null ? null : Date.from(s.takenAt().minus(silent));
    }

    @Override
    public long getSilentForMillis() {
        ClusterSnapshot s = snapshots.current();
        Duration silent = silentFor(find(s, name).orElseThrow(() -> new IllegalStateException("primary " + name + " is gone")));
        // never heard since this node started: silent at least that long (a true figure, not a -1)
        return (silent != null ? silent : Duration.between(s.node().startedAt(), s.takenAt())).toMillis();
    }

    private static Duration silentFor(PrimarySnapshot p) {
        return p.paths().stream().map(PathSnapshot::silentFor).filter(d -> d != null).min(Duration::compareTo).orElse(null);
    }

    @Override
    public long getFailoverCount() {
        return p().failovers();
    }

    @Override
    public long getMirrorCapBytesPerSecond() {
        return p().caps().mirror();
    }

    @Override
    public long getResyncCapBytesPerSecond() {
        return p().caps().resync();
    }

    @Override
    public Views.Failover getLastFailover() {
        return Views.Failover.of(p().lastFailover());
    }

    @Override
    public String getLastDetectionPath() {
        FailureDetection d = lastDetection();
        return d == null ? "" : d.path();
    }

    @Override
    public long getLastDetectionMillis() {
        FailureDetection d = lastDetection();
        return d == null ? -1 : d.took().toMillis();
    }

    @Override
    public Views.Fact[] getLastDetectionFacts() {
        FailureDetection d = lastDetection();
        return d == null ? new Views.Fact[0] : d.facts().stream().map(Views.Fact::of).toArray(Views.Fact[]::new);
    }

    private FailureDetection lastDetection() {
        FailoverTimeline t = p().lastFailover();
        return t == null ? null : t.detection();
    }

    @Override
    public String getDetectionSettings() {
        DetectionSettings d = p().detection();
        return d == null ? "" : d.describe();
    }

    @Override
    public long getHeartbeatIntervalMillis() {
        return settingMillis(DetectionSettings::interval);
    }

    @Override
    public long getSilenceTimeoutMillis() {
        return settingMillis(DetectionSettings::timeout);
    }

    @Override
    public long getProbeTimeoutMillis() {
        return settingMillis(DetectionSettings::probeTimeout);
    }

    @Override
    public long getFastPathGraceMillis() {
        return settingMillis(DetectionSettings::processDeadGrace);
    }

    private long settingMillis(java.util.function.Function<DetectionSettings, Duration> figure) {
        DetectionSettings d = p().detection();
        return d == null ? -1 : figure.apply(d).toMillis();
    }

    @Override
    public String switchover() {
        return operations.run(new Command.Switchover(name));
    }

    @Override
    public String forceFailover(String reason) {
        String why = reason == null || reason.isBlank() ? "forced by an operator over JMX" : reason.trim();
        return operations.run(new Command.ForceFailover(name, why));
    }

    @Override
    public String failback() {
        return operations.run(new Command.Failback(name));
    }

    @Override
    public String clearFence() {
        return operations.run(new Command.ClearFence(name));
    }

    @Override
    public String setThrottle(String traffic, long bytesPerSecond) {
        return operations.run(ApplianceBean.throttle(name, traffic, bytesPerSecond));
    }

    @Override
    public Views.Snapshot[] getSnapshots() {
        return snapshots.current().snapshots().stream().filter(e -> e.primary().equals(name)).map(Views.Snapshot::of)
                .toArray(Views.Snapshot[]::new);
    }

    @Override
    public long getSnapshotBytesUsed() {
        return space().map(org.understudy.model.SnapshotSpace::usedBytes).orElse(0L);
    }

    @Override
    public long getSnapshotSpaceLimit() {
        return space().map(org.understudy.model.SnapshotSpace::limitBytes).orElse(0L);
    }

    private Optional<org.understudy.model.SnapshotSpace> space() {
        return snapshots.current().snapshotSpace().stream().filter(x -> x.primary().equals(name)).findFirst();
    }

    @Override
    public String createSnapshot(String volume, String snapshotName) {
        return operations.run(new Command.CreateSnapshot(name, blankToNull(volume), blankToNull(snapshotName)));
    }

    @Override
    public String deleteSnapshot(String volume, String snapshotName) {
        return operations.run(new Command.DeleteSnapshot(name, blankToNull(volume), snapshotName));
    }

    @Override
    public String rehearse(String address, int holdSeconds) {
        return operations.run(new Command.Rehearse(name, address, holdSeconds));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
