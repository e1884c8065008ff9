/**
 * The mirroring engine's standby side: {@link org.understudy.replica.ReplicaStore} (every replica, one directory per
 * primary), {@link org.understudy.replica.ReplicaServer} and its sessions (accept, authenticate and apply each
 * primary's replication link), the fence record per primary and the stand-in bitmap (what the standby wrote while it
 * stood in). Every write of a replica goes through its {@code snapshot.CowWriter}; the links tell the snapshot
 * service of cut markers and resyncs through {@link org.understudy.replica.SnapshotHooks}.
 *
 * <p>May use: {@code config/}, {@code model/}, {@code replication/}, {@code resync/}, {@code snapshot/},
 * {@code storage/}, {@code threads/} (which kind of thread a link runs on), {@code transport/} (the streams links
 * arrive over, pooled direct buffers for their payloads).
 */
package org.understudy.replica;
