package org.understudy.failover;

import static org.understudy.model.PrimaryState.DEGRADED;
import static org.understudy.model.PrimaryState.FAILED;
import static org.understudy.model.PrimaryState.FAILING_BACK;
import static org.understudy.model.PrimaryState.FAILING_OVER;
import static org.understudy.model.PrimaryState.FENCED;
import static org.understudy.model.PrimaryState.PROTECTED;
import static org.understudy.model.PrimaryState.SPLIT_BRAIN;
import static org.understudy.model.PrimaryState.STANDING_IN;
import static org.understudy.model.PrimaryState.SUSPECT;
import static org.understudy.model.PrimaryState.SYNCING;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryState;

/**
 * The standby's state machine for one primary. Every move goes through {@link #transition}, which checks the table
 * below, logs the cause with its numbers and publishes a {@link ModelEvent.StateChanged}.
 * <pre>
 *  SYNCING ──► PROTECTED ◄──► DEGRADED
 *     │            │  ▲          │
 *     └──────► SUSPECT ─────────┘          (probe answers / path heard: back)
 *                  │ probe failed
 *        ┌─────────┴──────────┐
 *        ▼                    ▼
 *   FAILING_OVER ──────►  FAILED  (policy off, stand-in limit, takeover aborted: operator acts)
 *        │  └──► SYNCING  (takeover stopped after the fence, the live primary handed its role back)
 *        ▼
 *   STANDING_IN ──► FAILING_BACK ──► PROTECTED
 *   FENCED, SPLIT_BRAIN: reached from the watching states; left only by operator action (clear fence, resync)
 * </pre>
 * Not thread-safe by itself: the failover engine calls it under its lock.
 */
public final class PrimaryStateMachine {
    private static final Logger LOG = LogManager.getLogger(PrimaryStateMachine.class);

    /** Allowed successors of every state. */
    static final Map<PrimaryState, Set<PrimaryState>> SUCCESSORS = table();

    private static Map<PrimaryState, Set<PrimaryState>> table() {
        Map<PrimaryState, Set<PrimaryState>> t = new EnumMap<>(PrimaryState.class);
        t.put(SYNCING, EnumSet.of(PROTECTED, DEGRADED, SUSPECT, FAILED, FAILING_OVER, SPLIT_BRAIN, FENCED));
        t.put(PROTECTED, EnumSet.of(SYNCING, DEGRADED, SUSPECT, FAILED, FAILING_OVER, SPLIT_BRAIN, FENCED));
        t.put(DEGRADED, EnumSet.of(SYNCING, PROTECTED, SUSPECT, FAILED, FAILING_OVER, SPLIT_BRAIN, FENCED));
        t.put(SUSPECT, EnumSet.of(SYNCING, PROTECTED, DEGRADED, FAILED, FAILING_OVER, FENCED));
        // back to PROTECTED only when a planned switchover stops before fencing (drain or catch-up failed); to SYNCING
        // when a takeover stopped after the fence and the live primary was handed its role back
        t.put(FAILING_OVER, EnumSet.of(STANDING_IN, FAILED, PROTECTED, SYNCING));
        t.put(STANDING_IN, EnumSet.of(FAILING_BACK, SPLIT_BRAIN));
        t.put(FAILING_BACK, EnumSet.of(PROTECTED, STANDING_IN, FAILED));
        t.put(FENCED, EnumSet.of(SYNCING, SPLIT_BRAIN));
        t.put(SPLIT_BRAIN, EnumSet.of(FENCED, SYNCING));
        t.put(FAILED, EnumSet.of(SYNCING, PROTECTED, DEGRADED, FAILING_OVER, FENCED, SPLIT_BRAIN));
        for (PrimaryState s : PrimaryState.values()) {
            if (!t.containsKey(s)) {
                throw new IllegalStateException("no successors defined for " + s);
            }
            t.put(s, Collections.unmodifiableSet(t.get(s)));
        }
        return Collections.unmodifiableMap(t);
    }

    /** A move the table does not allow. */
    public static final class IllegalTransitionException extends IllegalStateException {
        public IllegalTransitionException(String message) {
            super(message);
        }
    }

    private final String primary;
    private final InstantSource wall;
    private final Consumer<ModelEvent.StateChanged> listener;
    private PrimaryState state;
    private String cause;
    private Instant since;

    public PrimaryStateMachine(String primary, PrimaryState initial, String cause, InstantSource wall,
                               Consumer<ModelEvent.StateChanged> listener) {
        this.primary = primary;
        this.state = initial;
        this.cause = cause;
        this.wall = wall;
        this.since = wall.instant();
        this.listener = listener;
    }

    public static boolean allowed(PrimaryState from, PrimaryState to) {
        return SUCCESSORS.get(from).contains(to);
    }

    public PrimaryState state() {
        return state;
    }

    public String cause() {
        return cause;
    }

    public Instant since() {
        return since;
    }

    /**
     * Moves to {@code to}. {@code numbers} are the figures behind the decision, kept in insertion order.
     *
     * @throws IllegalTransitionException if the table does not allow it (state unchanged)
     */
    public void transition(PrimaryState to, String why, Map<String, ? extends Number> numbers) {
        PrimaryState from = state;
        if (!allowed(from, to)) {
            LOG.error("{}: refused illegal transition {} -> {} ({})", primary, from, to, why);
            throw new IllegalTransitionException(primary + ": " + from + " -> " + to + " is not allowed (" + why + ")");
        }
        state = to;
        cause = why;
        since = wall.instant();
        Map<String, Number> copy = new LinkedHashMap<>(numbers);
        LOG.info("{}: {} -> {} {} {}", primary, from, to, why, copy.isEmpty() ? "" : copy);
        listener.accept(new ModelEvent.StateChanged(since, primary, from, to, why, copy));
    }

    /** Moves to {@code to} if the table allows it; returns false (and logs) otherwise. */
    public boolean tryTransition(PrimaryState to, String why, Map<String, ? extends Number> numbers) {
        if (state == to) {
            return false;
        }
        if (!allowed(state, to)) {
            LOG.debug("{}: no move {} -> {} ({})", primary, state, to, why);
            return false;
        }
        transition(to, why, numbers);
        return true;
    }
}
