/**
 * Copy-on-write snapshots of replica images, done by Understudy itself on any file system: a
 * {@link org.understudy.snapshot.SnapshotStore} per primary (a journal of every change and a file of preserved
 * chunks, durable before any overwrite, replayable after a crash at any moment), the
 * {@link org.understudy.snapshot.CowWriter} through which every write of a replica image goes, the read-only
 * {@link org.understudy.snapshot.SnapshotImage} of one volume in one snapshot, and the writable
 * {@link org.understudy.snapshot.CloneDevice} a rehearsal serves over it.
 *
 * <p>May use: {@code model/}, {@code storage/}, {@code threads/}. Knows no replica, role or face.
 */
package org.understudy.snapshot;
