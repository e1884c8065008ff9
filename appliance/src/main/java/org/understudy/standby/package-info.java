/**
 * The standby role: {@link org.understudy.standby.StandbyNode} holds every replica, watches every primary, and runs
 * the failover engine, whose takeover, switchover and failback steps it implements
 * ({@link org.understudy.standby.StandbySteps}, {@link org.understudy.standby.StandIn}); its operator commands
 * (carried out by the engine or passed on to a primary), the caps it reads from the primaries, and the wiring of its
 * utility-server side (snapshots and rehearsals, {@code utility/}).
 * {@link org.understudy.standby.StandbyCommand} is {@code understudy standby}.
 *
 * <p>May use: every engine ({@code failover/}, {@code health/}, {@code mirror/}, {@code replica/}, {@code nbd/},
 * {@code resync/}, {@code utility/}), the shared wiring in {@code daemon/}, {@code admin/}, {@code command/},
 * {@code config/}, {@code model/}, {@code security/}, {@code storage/}, {@code transport/}. Never {@code primary/}.
 */
package org.understudy.standby;
