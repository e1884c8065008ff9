/**
 * The primary role: {@link org.understudy.primary.PrimaryNode} serves the node's volumes over NBD, mirrors every
 * write to the standby, watches the standby, and moves through its lifecycle ({@code Lifecycle}: STARTING, SERVING,
 * DRAINING, FENCED, COPYING_BACK, STOPPED); its operator commands, fence, failback copy and the internal routes the
 * standby calls (drain, resume, copy-from). {@link org.understudy.primary.PrimaryCommand} is
 * {@code understudy primary}.
 *
 * <p>May use: every engine ({@code mirror/}, {@code health/}, {@code nbd/}, {@code resync/}), the shared wiring in
 * {@code daemon/}, {@code admin/}, {@code alarm/}, {@code command/}, {@code config/}, {@code model/},
 * {@code storage/}, {@code transport/}. Never {@code standby/}.
 */
package org.understudy.primary;
