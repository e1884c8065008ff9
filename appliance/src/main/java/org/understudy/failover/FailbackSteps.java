package org.understudy.failover;

/**
 * The steps returning a role to a repaired primary, implemented by the daemon: the primary (still fenced) resyncs
 * what changed while the standby stood in, using generations and the dirty bitmap; the standby stops serving
 * (drains, closes NBD connections so clients reconnect), releases the address, and the primary is unfenced and
 * serves again. A failure before {@link #stopServing} leaves the standby standing in.
 */
public interface FailbackSteps {
    StepResult resyncPrimary(TakeoverTarget target);

    StepResult stopServing(TakeoverTarget target);

    StepResult releaseIdentity(TakeoverTarget target);

    StepResult returnRole(TakeoverTarget target);
}
