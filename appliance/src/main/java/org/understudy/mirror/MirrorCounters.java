package org.understudy.mirror;

/**
 * Cumulative traffic figures of one mirrored volume since it was opened (over every link it had). Immutable.
 *
 * @param framesSent        frames written to the standby
 * @param payloadBytesSent  payload bytes written to the standby (headers excluded)
 * @param syncBytesCopied   bytes of full-sync chunks sent as data
 * @param syncBytesZeroed   bytes of all-zero full-sync chunks sent as ZERO frames (no payload)
 * @param syncBytesSkipped  bytes of all-zero full-sync chunks not sent at all (the replica was fresh)
 * @param syncsCompleted    full syncs the standby acknowledged
 * @param linksEstablished  successful handshakes
 */
public record MirrorCounters(long framesSent, long payloadBytesSent, long syncBytesCopied, long syncBytesZeroed,
                             long syncBytesSkipped, long syncsCompleted, long linksEstablished) {
}
