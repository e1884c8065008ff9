package org.understudy.jmx;

import java.util.Date;

/** The standby's view of one primary; its operations act on it through the command API. */
@Description("One protected primary as the standby sees it: failover state, health paths, last failover. Sends an "
        + "AttributeChangeNotification when State changes. Operations run through the command API as your JMX login "
        + "and are recorded in the audit log.")
public interface PrimaryMXBean {
    @Description("Name of the primary in the cluster file.")
    String getName();

    @Description("Failover state: SYNCING, PROTECTED, DEGRADED, SUSPECT, FAILING_OVER, STANDING_IN, FAILING_BACK, FENCED, "
            + "SPLIT_BRAIN or FAILED.")
    String getState();

    @Description("Why the primary entered its current state, with the numbers behind the decision.")
    String getCause();

    @Description("When the primary entered its current state.")
    Date getSince();

    @Description("Health paths to this primary (each has a type=Path bean).")
    String[] getPaths();

    @Description("Number of health paths that currently show signs of life.")
    int getPathsUp();

    @Description("When the standby last heard from this primary on any path; empty if it has no paths.")
    Date getLastHeard();

    @Description("Milliseconds since the standby last heard from this primary on any path (point-in-time figure); "
            + "when never heard since this node started, the time since it started.")
    long getSilentForMillis();

    @Description("Takeovers of this primary (automatic, forced or planned) since the standby started.")
    long getFailoverCount();

    @Description("The last takeover, switchover or failback of this primary with its timed steps; empty if none yet.")
    Views.Failover getLastFailover();

    @Description("How the failure behind the last takeover (LastFailover) was detected: process-dead (the fast path: "
            + "link closed by the peer, probe refused, no heartbeat within the grace) or host-silent (the slow path: every "
            + "path silent past the timeout, probe failed); empty when there was none or it was an operator's action.")
    String getLastDetectionPath();

    @Description("Milliseconds from the first fact of that detection to the decision that the primary failed (the "
            + "takeover's own time is LastFailover's totalMillis); -1 when LastDetectionPath is empty.")
    long getLastDetectionMillis();

    @Description("The facts of that detection in the order they were learnt, each with its time in milliseconds from "
            + "the first and what it said (the probe's answer and latency); empty when LastDetectionPath is.")
    Views.Fact[] getLastDetectionFacts();

    @Description("The figures this primary's failure is detected with, on both paths, in one line; empty where not "
            + "known (on a primary).")
    String getDetectionSettings();

    @Description("Heartbeat interval on every path to this primary, in milliseconds, as configured; -1 where not known.")
    long getHeartbeatIntervalMillis();

    @Description("Slow path (host-silent): silence in milliseconds that puts a path down; the primary is declared "
            + "failed when every path is down and the confirming probe fails. -1 where not known.")
    long getSilenceTimeoutMillis();

    @Description("Time limit in milliseconds of the confirming probe of the service address (both paths); -1 where "
            + "not known.")
    long getProbeTimeoutMillis();

    @Description("Fast path (process-dead): milliseconds without a heartbeat, after the link was closed by the peer "
            + "and the probe refused, before the primary is declared failed; 0 when the fast path is off, -1 where "
            + "not known.")
    long getFastPathGraceMillis();

    @Description("Cap on this primary's mirrored writes in bytes per second, 0 = none: on the primary the cap it "
            + "enforces; on the standby the cap the primary confirmed or its status showed (read every 5 s).")
    long getMirrorCapBytesPerSecond();

    @Description("Cap on this primary's resync (catch-up) copying in bytes per second, 0 = none; read as for "
            + "MirrorCapBytesPerSecond.")
    long getResyncCapBytesPerSecond();

    @Description("Planned switchover: the primary drains, the standby catches up (no acknowledged write lost), then "
            + "stands in. Audited with your JMX login.")
    String switchover();

    @Description("Forced failover: the standby fences the primary and stands in now, whatever the primary's state. "
            + "Audited with your JMX login and the reason.")
    String forceFailover(@Description(name = "reason", value = "why, for the audit log and the failover timeline") String reason);

    @Description("Failback: the repaired primary resyncs what changed while the standby stood in, then takes its role "
            + "back. Audited with your JMX login.")
    String failback();

    @Description("Clears the primary's fence once you have made sure it is safe for it to serve again. Audited with "
            + "your JMX login.")
    String clearFence();

    @Description("Sets the bandwidth cap of this primary's replication link, which carries all its volumes (0 removes "
            + "it); on the standby it is passed on to the primary, which enforces it. Audited with your JMX login.")
    String setThrottle(@Description(name = "traffic", value = "MIRROR (live writes) or RESYNC (catch-up copying)") String traffic,
                       @Description(name = "bytesPerSecond", value = "cap in bytes per second; 0 removes the cap") long bytesPerSecond);

    @Description("This primary's snapshots on the standby, one item per volume image: its read-only NBD export on the "
            + "standby's address, when and why it was taken, the space it takes. Empty on a primary.")
    Views.Snapshot[] getSnapshots();

    @Description("Bytes this primary's snapshots take on the standby (point-in-time figure).")
    long getSnapshotBytesUsed();

    @Description("Bytes this primary's snapshots may take before the oldest is dropped; 0 = no limit.")
    long getSnapshotSpaceLimit();

    @Description("Takes a snapshot of this primary's volumes at one point of its write stream (or of one volume), "
            + "served read-only over NBD on the standby. Audited with your JMX login.")
    String createSnapshot(@Description(name = "volume", value = "one volume, or empty for all") String volume,
                          @Description(name = "name", value = "its name, or empty for the cut's instant") String name);

    @Description("Deletes a snapshot of this primary (every volume's image of it, or one volume's). Audited with your "
            + "JMX login.")
    String deleteSnapshot(@Description(name = "volume", value = "one volume, or empty for all") String volume,
                          @Description(name = "name", value = "the snapshot's name") String name);

    @Description("Failover rehearsal: writable clones of a fresh snapshot served on a test address, this primary's "
            + "failover scripts run with UNDERSTUDY_KIND=rehearsal, then everything thrown away; the primary and its "
            + "mirroring are not touched. Returns the timed steps. Audited with your JMX login.")
    String rehearse(@Description(name = "address", value = "test address (never the primary's own)") String address,
                    @Description(name = "holdSeconds", value = "keep the clones served this long after the scripts")
                    int holdSeconds);
}
