package org.understudy.failover;

/**
 * How the standby takes a primary's service address and gives it back: {@link LoopbackAliasAction} in the demo and
 * tests, {@link IpAddressAction} ({@code ip addr add} + gratuitous ARP) in production. Thread-safe implementations.
 */
public interface IdentityAction {
    StepResult acquire(TakeoverTarget target);

    StepResult release(TakeoverTarget target);
}
