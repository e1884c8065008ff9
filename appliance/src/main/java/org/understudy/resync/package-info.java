/**
 * Building blocks that let a mirror survive its link: the persistent dirty-region bitmap ({@link
 * org.understudy.resync.DirtyBitmap}), volume identities with generations and a fencing epoch ({@link
 * org.understudy.resync.VolumeIdentity}, {@link org.understudy.resync.IdentityStore}), the reconnect decision table
 * ({@link org.understudy.resync.ResyncDecisionTable}) and bandwidth throttling ({@link
 * org.understudy.resync.TokenBucket}, {@link org.understudy.resync.ThrottleSet}, {@link
 * org.understudy.resync.Throttles}).
 *
 * <p>Nothing here knows the replication link or the NBD server; the mirroring engine calls in. Every class takes its
 * clock (and, for throttling, its way of waiting) from the caller, so tests drive time by hand.
 *
 * <p>May use: {@code model/}, {@code storage/}.
 */
package org.understudy.resync;
