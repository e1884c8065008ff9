/**
 * The standby as utility server: snapshots of the replicas (taken at one point of a primary's write stream, on a
 * schedule and before every risky resync, kept within a space limit, served read-only over NBD for backup) and the
 * failover rehearsal that serves writable clones of a fresh snapshot on a test address. Built on the copy-on-write
 * store of {@link org.understudy.snapshot} and the replicas of {@link org.understudy.replica}; knows nothing of the
 * faces, which act through the command API.
 *
 * <p>May use: {@code alarm/}, {@code config/}, {@code failover/} (hook scripts, identity actions, the timeline
 * recorder), {@code model/}, {@code nbd/}, {@code replica/}, {@code snapshot/}, {@code storage/}. The standby asks
 * the primary for its cut through {@link org.understudy.utility.CutRequester}, which it implements.
 */
package org.understudy.utility;
