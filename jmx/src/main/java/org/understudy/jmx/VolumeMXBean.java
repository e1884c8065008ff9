package org.understudy.jmx;

/** One volume (on a primary) or replica (on the standby). */
@Description("One protected volume (on a primary) or its replica (on the standby): mirror mode and state, sync "
        + "progress, replicated traffic and write latency. Sends an AttributeChangeNotification when State changes.")
public interface VolumeMXBean {
    @Description("Name of the primary the volume belongs to.")
    String getPrimary();

    @Description("Name of the volume (its NBD export name).")
    String getName();

    @Description("Size of the volume in bytes.")
    long getSize();

    @Description("Mirroring mode: SYNC (a write returns once the standby has it) or ASYNC (bounded backlog, WAN).")
    String getMode();

    @Description("Where the replica stands: IN_SYNC, SYNCING, INCONSISTENT or DEGRADED (standby unreachable).")
    String getState();

    @Description("Share of the replica known to be in sync, 0 to 100 (100 when in sync).")
    double getSyncPercent();

    @Description("Bytes the standby has acknowledged since this node process started.")
    long getBytesReplicated();

    @Description("Write requests the standby has acknowledged since this node process started.")
    long getWritesReplicated();

    @Description("Writes measured for the latency figures below.")
    long getWriteLatencyCount();

    @Description("Median write latency in microseconds as the NBD client sees it (local write plus, when mirrored, the "
            + "standby's acknowledgement).")
    long getWriteLatencyP50Micros();

    @Description("99th-percentile write latency in microseconds.")
    long getWriteLatencyP99Micros();

    @Description("99.9th-percentile write latency in microseconds.")
    long getWriteLatencyP999Micros();

    @Description("Highest write latency seen, in microseconds.")
    long getWriteLatencyMaxMicros();

    @Description("Bytes the replica may lack (point-in-time): the dirty-region bitmap's figure on a primary; on the "
            + "standby, whose replicas keep no bitmap, estimated from the sync share (0 when in sync).")
    long getDirtyBytes();

    @Description("Bytes written but not yet acknowledged by the standby (asynchronous mode; 0 in synchronous mode).")
    long getBacklogBytes();

    @Description("Bytes copied so far by the running resync (0 when none runs).")
    long getResyncDoneBytes();

    @Description("Total bytes the running resync must copy (0 when none runs).")
    long getResyncTotalBytes();

    @Description("Current resync rate in bytes per second (0 when none runs).")
    double getResyncRate();

    @Description("Identifier of the data generation this copy holds (empty while unknown).")
    String getGeneration();

    @Description("Outcome of the last online verify, when and what it found ('never' when none ran); on the standby as "
            + "the primary reported it.")
    String getLastVerify();

    @Description("Mismatching regions found by the last online verify (0 when none ran).")
    long getLastVerifyMismatches();

    @Description("Online verify: compares the volume with its replica region by region while I/O continues; mismatches "
            + "are reported (verify mismatch notification) and resynced. Answers with the outcome, or after 20 s with "
            + "'still running' while the compare goes on (the outcome then shows in LastVerify). On the standby it runs "
            + "on the primary. Audited with your JMX login.")
    String verify();
}
