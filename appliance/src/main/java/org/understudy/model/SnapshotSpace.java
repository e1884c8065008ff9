package org.understudy.model;

/**
 * The space one primary's snapshots take on the standby.
 *
 * @param usedBytes      preserved chunks of all its snapshots
 * @param limitBytes     the configured limit past which the oldest snapshot is dropped (0: none)
 * @param snapshots      how many snapshots it has
 */
public record SnapshotSpace(String primary, long usedBytes, long limitBytes, int snapshots) {
}
