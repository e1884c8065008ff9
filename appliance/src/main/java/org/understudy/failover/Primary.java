package org.understudy.failover;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.PrimaryState;

/** The failover engine's record of one primary. Guarded by the engine's lock. */
final class Primary {
    final TakeoverTarget target;
    final PrimaryStateMachine machine;
    /** Paths the detector reports down. */
    final Set<String> downPaths = new HashSet<>();
    /** The mirroring engine's last word: every replica in sync with a known generation. */
    boolean replicasConsistent;
    /** Our epoch raise fenced it: it may not serve again until an operator clears the fence. */
    boolean fencedByUs;
    /** The last sequence of any kind (takeover, switchover, failback). */
    FailoverTimeline lastTimeline;
    /** The takeover, switchover or failback under way, as far as it got; null when none runs. */
    volatile FailoverTimeline running;
    /** The last takeover (automatic or forced failover, switchover): what the faces report as the last failover. */
    FailoverTimeline lastTakeover;
    /** Monotonic nanos when the standby last handed the primary its epoch (fence cleared, role returned); or none. */
    long epochHandedAt;
    boolean epochHanded;
    /** Takeovers started (automatic, forced or planned) since this engine started. */
    long takeovers;

    Primary(TakeoverTarget target, PrimaryStateMachine machine) {
        this.target = target;
        this.machine = machine;
    }

    /** True while the standby serves, or is about to serve, this primary: it occupies a stand-in slot. */
    boolean occupiesStandIn() {
        PrimaryState s = machine.state();
        return s == PrimaryState.FAILING_OVER || s == PrimaryState.STANDING_IN || s == PrimaryState.FAILING_BACK;
    }

    static List<String> standingIn(Collection<Primary> all) {
        List<String> out = new ArrayList<>();
        for (Primary p : all) {
            if (p.occupiesStandIn()) {
                out.add(p.target.primary());
            }
        }
        return out;
    }
}
