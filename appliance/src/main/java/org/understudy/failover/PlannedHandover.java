package org.understudy.failover;

/**
 * The extra steps of a planned switchover, before the usual takeover steps: the primary stops taking new writes and
 * drains what is in flight (its NBD connections closed without ESHUTDOWN so clients reconnect to the standby), then
 * the standby confirms its replicas hold every acknowledged write. Implemented by the daemon over the replication
 * link. A failure stops the switchover before fencing; the primary keeps its role (the implementation resumes it).
 */
public interface PlannedHandover {
    StepResult drainPrimary(TakeoverTarget target);

    StepResult awaitCaughtUp(TakeoverTarget target);

    /** Undoes {@link #drainPrimary} when the switchover stops (best effort). */
    StepResult resumePrimary(TakeoverTarget target);
}
