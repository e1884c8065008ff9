package org.understudy.jmx;

import java.util.Date;

/** This node as a whole. Every figure is read from the node's state model at the time of the read. */
@Description("This Understudy node: role, version and failover policy. Emits every event notification: failover "
        + "started/completed/failed, primary failed, path down/up, standby lost/restored, resync started/completed, "
        + "split brain, verify mismatch, alarm raised/updated/cleared.")
public interface ApplianceMXBean {
    @Description("Name of the cluster (cluster.name in the cluster file).")
    String getCluster();

    @Description("Name of this node in the cluster file.")
    String getNode();

    @Description("Role of this node: STANDBY (mirrors every primary, stands in for a failed one) or PRIMARY.")
    String getRole();

    @Description("Understudy version this node runs.")
    String getVersion();

    @Description("Operating-system process id of this node.")
    long getPid();

    @Description("When this node process started.")
    Date getStartedAt();

    @Description("True when the standby fails over automatically once a primary is declared failed; false is data-vault "
            + "mode (failures are detected and alarmed only). Always false on a primary, which runs no failover engine.")
    boolean isAutomaticFailover();

    @Description("Number of primaries the standby stands in for right now.")
    int getStandInsActive();

    @Description("At most this many primaries may be stood in for at once (policy).")
    int getStandInsAllowed();

    @Description("Names of the primaries this node watches (each has a type=Primary bean); empty on a primary.")
    String[] getPrimaries();

    @Description("Number of active alarms (the list is in the type=Alarms bean).")
    int getActiveAlarmCount();

    @Description("Datagrams this node's heartbeat port refused as malformed (no heartbeat of this version: garbage, "
            + "truncated), whoever sent them, since the node started.")
    long getMalformedHeartbeats();

    @Description("Heartbeats this node's port refused for a wrong HMAC (each a refused authentication on record) since "
            + "the node started.")
    long getForgedHeartbeats();

    @Description("Heartbeats this node's port accepted as life since the node started.")
    long getValidHeartbeats();

    @Description("The last takeover of any primary (automatic or forced failover, or switchover; a failback is none) "
            + "with its timed steps; empty if none yet.")
    Views.Failover getLastFailover();

    @Description("Switches automatic failover on (true) or off (false, data-vault mode: detect and alarm only). Runs "
            + "through the command API as your JMX login and is recorded in the audit log.")
    String switchAutomaticFailover(@Description(name = "enabled", value = "true: fail over automatically; false: data-vault mode")
                                   boolean enabled);

    @Description("Sets the global bandwidth cap of all replication links (0 removes it). Runs through the command API as "
            + "your JMX login and is recorded in the audit log.")
    String setGlobalThrottle(@Description(name = "traffic", value = "MIRROR (live writes) or RESYNC (catch-up copying)") String traffic,
                             @Description(name = "bytesPerSecond", value = "cap in bytes per second; 0 removes the cap") long bytesPerSecond);
}
