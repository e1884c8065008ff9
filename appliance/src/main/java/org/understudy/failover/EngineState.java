package org.understudy.failover;

import java.time.InstantSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the failover engine's parts share: every primary's record, the policy (the operator's switch changes it), the
 * {@link Outbox} and the clocks. {@link FailoverEngine} (reactions to health and mirroring), {@link Takeovers} (the
 * sequences and their outcome) and {@link FailoverCommands} (the operator's commands) decide under this object's
 * monitor, and flush the outbox after releasing it.
 *
 * <p>Not thread-safe by itself: callers hold its monitor for every method but the final fields.
 */
final class EngineState {
    final String self;
    final LongSupplier clock;
    final InstantSource wall;
    final Outbox out;
    private final Map<String, Primary> primaries = new LinkedHashMap<>();
    private FailoverPolicy policy;
    private String policyOrigin = "the configuration";

    EngineState(String self, LongSupplier clock, InstantSource wall, Outbox out, FailoverPolicy policy) {
        this.self = self;
        this.clock = clock;
        this.wall = wall;
        this.out = out;
        this.policy = policy;
    }

    FailoverPolicy policy() {
        return policy;
    }

    /** Where the automatic-failover switch in force came from: the cluster file, or the operator's last choice. */
    String policyOrigin() {
        return policyOrigin;
    }

    void policyOrigin(String origin) {
        policyOrigin = origin;
    }

    void policy(FailoverPolicy p) {
        policy = p;
    }

    /** Adds a primary the caller checked is not there yet ({@link #find}). */
    void add(Primary p) {
        primaries.put(p.target.primary(), p);
    }

    /** The primary's record, or null when unknown. */
    Primary find(String primary) {
        return primaries.get(primary);
    }

    Primary require(String primary) {
        Primary p = primaries.get(primary);
        if (p == null) {
            throw new IllegalArgumentException("unknown primary " + primary);
        }
        return p;
    }

    Collection<Primary> all() {
        return primaries.values();
    }

    int standIns() {
        return Primary.standingIn(primaries.values()).size();
    }

    /** Why a further stand-in is refused, with the numbers. */
    String standInLimit() {
        List<String> standingIn = Primary.standingIn(primaries.values());
        return String.format("stand-in limit reached: standing in for %s (%d of %d)", standingIn, standingIn.size(),
                policy.maxStandIns());
    }
}
