package org.understudy.mirror;

/**
 * What {@code understudy link-test} measured on a replication link. Immutable.
 *
 * @param rttMinMicros   fastest round trip of an empty sequenced frame (KEEPALIVE to its ACK)
 * @param rttAvgMicros   average round trip
 * @param rttMaxMicros   slowest round trip
 * @param bytes          payload bytes sent for the throughput test (PROBE frames, discarded by the standby)
 * @param bytesPerSecond throughput, including the standby's acknowledgement of the last frame
 * @param maxFrame       negotiated maximum frame size of the link
 * @param advice         which mirror mode the figures suggest, and why
 */
public record LinkTestResult(long rttMinMicros, long rttAvgMicros, long rttMaxMicros, long bytes,
                             double bytesPerSecond, int maxFrame, String advice) {
}
