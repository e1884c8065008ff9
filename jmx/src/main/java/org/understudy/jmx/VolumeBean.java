package org.understudy.jmx;

import java.util.Optional;
import org.understudy.command.Command;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.LatencySummary;
import org.understudy.model.VolumeSnapshot;

/** {@link VolumeMXBean} over the state model, for one primary/volume. Thread-safe. */
final class VolumeBean implements VolumeMXBean {
    private final Snapshots snapshots;
    private final Operations operations;
    private final String primary;
    private final String name;

    VolumeBean(Snapshots snapshots, Operations operations, String primary, String name) {
        this.snapshots = snapshots;
        this.operations = operations;
        this.primary = primary;
        this.name = name;
    }

    static Optional<VolumeSnapshot> find(ClusterSnapshot s, String primary, String name) {
        return s.volumes().stream().filter(v -> v.primary().equals(primary) && v.name().equals(name)).findFirst();
    }

    private VolumeSnapshot v() {
        return find(snapshots.current(), primary, name)
                .orElseThrow(() -> new IllegalStateException("volume " + primary + "/" + name + " is no longer in the model"));
    }

    private LatencySummary latency() {
        LatencySummary l = v().writeLatency();
        return l == null ? LatencySummary.EMPTY : l;
    }

    @Override
    public String getPrimary() {
        return primary;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public long getSize() {
        return v().size();
    }

    @Override
    public String getMode() {
        return v().mode() == null ? "" : v().mode().name();
    }

    @Override
    public String getState() {
        return v().state().name();
    }

    @Override
    public double getSyncPercent() {
        return v().syncPercent();
    }

    @Override
    public long getBytesReplicated() {
        return v().bytesReplicated();
    }

    @Override
    public long getWritesReplicated() {
        return v().writesReplicated();
    }

    @Override
    public long getWriteLatencyCount() {
        return latency().count();
    }

    @Override
    public long getWriteLatencyP50Micros() {
        return latency().p50Micros();
    }

    @Override
    public long getWriteLatencyP99Micros() {
        return latency().p99Micros();
    }

    @Override
    public long getWriteLatencyP999Micros() {
        return latency().p999Micros();
    }

    @Override
    public long getWriteLatencyMaxMicros() {
        return latency().maxMicros();
    }

    @Override
    public long getDirtyBytes() {
        return v().dirtyBytesOrEstimate();
    }

    @Override
    public long getBacklogBytes() {
        return v().backlogBytes();
    }

    @Override
    public long getResyncDoneBytes() {
        return v().resyncDoneBytes();
    }

    @Override
    public long getResyncTotalBytes() {
        return v().resyncTotalBytes();
    }

    @Override
    public double getResyncRate() {
        return v().resyncRate();
    }

    @Override
    public String getGeneration() {
        return v().generation();
    }

    @Override
    public String getLastVerify() {
        return v().lastVerify().toString();
    }

    @Override
    public long getLastVerifyMismatches() {
        return v().lastVerify().mismatches();
    }

    @Override
    public String verify() {
        return operations.run(new Command.Verify(primary, name));
    }
}
