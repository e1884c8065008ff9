package org.understudy.model;

/** Write-latency percentiles in microseconds, as seen by the NBD client (local write plus, when mirrored, the standby's ack). */
public record LatencySummary(long count, long p50Micros, long p99Micros, long p999Micros, long maxMicros) {
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);
}
