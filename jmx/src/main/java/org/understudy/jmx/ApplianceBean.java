package org.understudy.jmx;

import java.util.Date;
import java.util.Locale;
import org.understudy.command.Command;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.PrimarySnapshot;

/** {@link ApplianceMXBean} over the state model. Thread-safe. */
final class ApplianceBean implements ApplianceMXBean {
    private final Snapshots snapshots;
    private final Operations operations;

    ApplianceBean(Snapshots snapshots, Operations operations) {
        this.snapshots = snapshots;
        this.operations = operations;
    }

    private ClusterSnapshot s() {
        return snapshots.current();
    }

    @Override
    public String getCluster() {
        return s().cluster();
    }

    @Override
    public String getNode() {
        return s().node().name();
    }

    @Override
    public String getRole() {
        return s().node().role().name();
    }

    @Override
    public String getVersion() {
        return s().node().version();
    }

    @Override
    public long getPid() {
        return s().node().pid();
    }

    @Override
    public Date getStartedAt() {
        return s().node().startedAt() == null ? null : Date.from(s().node().startedAt());
    }

    @Override
    public boolean isAutomaticFailover() {
        return s().failover().autoFailover();
    }

    @Override
    public int getStandInsActive() {
        return s().failover().standInsActive();
    }

    @Override
    public int getStandInsAllowed() {
        return s().failover().standInsAllowed();
    }

    @Override
    public String[] getPrimaries() {
        return s().primaries().stream().map(PrimarySnapshot::name).toArray(String[]::new);
    }

    @Override
    public long getMalformedHeartbeats() {
        return s().node().heartbeats().malformed();
    }

    @Override
    public long getForgedHeartbeats() {
        return s().node().heartbeats().forged();
    }

    @Override
    public long getValidHeartbeats() {
        return s().node().heartbeats().valid();
    }

    @Override
    public int getActiveAlarmCount() {
        return s().alarms().size();
    }

    @Override
    public Views.Failover getLastFailover() {
        return Views.Failover.of(s().failover().lastFailover());
    }

    @Override
    public String switchAutomaticFailover(boolean enabled) {
        return operations.run(new Command.SetAutoFailover(enabled));
    }

    @Override
    public String setGlobalThrottle(String traffic, long bytesPerSecond) {
        return operations.run(throttle(null, traffic, bytesPerSecond));
    }

    /** A throttle command, with the argument problems a person made said plainly. */
    static Command.SetThrottle throttle(String primary, String traffic, long bytesPerSecond) {
        Command.Traffic t;
        try {
            t = Command.Traffic.valueOf(traffic == null ? "" : traffic.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("traffic must be MIRROR or RESYNC, not \"" + traffic + "\"");
        }
        return new Command.SetThrottle(primary, t, bytesPerSecond);
    }
}
