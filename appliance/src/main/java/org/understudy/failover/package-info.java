/**
 * The failover engine on the standby: one {@link org.understudy.failover.PrimaryStateMachine} per primary, the
 * policy ({@link org.understudy.failover.FailoverPolicy}), the takeover, switchover and failback sequences timed into
 * {@link org.understudy.model.FailoverTimeline}s, and the operator commands. The daemon implements
 * {@link org.understudy.failover.TakeoverSteps}, {@link org.understudy.failover.PlannedHandover} and
 * {@link org.understudy.failover.FailbackSteps} over the replica store, the NBD server and the replication link,
 * using {@link org.understudy.failover.IdentityAction} and {@link org.understudy.failover.HookScripts} for the
 * address and the hook scripts.
 *
 * <p>May use: {@code alarm/}, {@code health/} (the events it reacts to), {@code model/}, {@code script/},
 * {@code storage/}. Knows no role, no face and no NBD or replication detail: the standby implements its steps.
 */
package org.understudy.failover;
