package org.understudy.snmp;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.understudy.model.Alarm;

/**
 * The few facts the MIB shows that the state model does not keep, because they are about this agent's own requests
 * and notifications: the spin lock, the last usPrimaryAction and its outcome and the most recently cleared alarm.
 * Thread-safe.
 */
final class FaceMemory {
    /** The outcome of the most recent usPrimaryAction SET. */
    record LastAction(String primary, int requested, int result, Instant at, String detail) {
        static final LastAction NONE = new LastAction("", UnderstudyMib.PrimaryAction.NO_ACTION,
                UnderstudyMib.ActionResult.NONE, null, "");
    }

    /** The most recently cleared alarm. */
    record Cleared(long id, Alarm alarm, Instant at) {
    }

    private final AtomicInteger spinLock = new AtomicInteger();
    private final AtomicReference<LastAction> lastAction = new AtomicReference<>(LastAction.NONE);
    private final AtomicReference<Cleared> cleared = new AtomicReference<>();
    /** How many cleared alarms usAlarmHistoryTable keeps. */
    static final int HISTORY = 100;
    private final java.util.ArrayDeque<Cleared> history = new java.util.ArrayDeque<>();

    int spinLock() {
        return spinLock.get();
    }

    /** TestAndIncr: true and advanced (wrapping to 0 after 2147483647) if {@code expected} is the current value. */
    boolean advanceSpinLock(int expected) {
        int next = expected == Integer.MAX_VALUE ? 0 : expected + 1;
        return spinLock.compareAndSet(expected, next);
    }

    LastAction lastAction() {
        return lastAction.get();
    }

    void lastAction(LastAction a) {
        lastAction.set(a);
    }

    /** Replaces the last action only if it is still {@code expected} (an action finishing late must not hide a newer one). */
    void completeAction(LastAction expected, LastAction done) {
        lastAction.compareAndSet(expected, done);
    }

    Cleared cleared() {
        return cleared.get();
    }

    void cleared(Alarm alarm, Instant at) {
        Cleared c = new Cleared(alarm.index(), alarm, at);
        cleared.set(c);
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(c);
        }
    }

    /** The cleared alarms kept, oldest first. */
    java.util.List<Cleared> history() {
        synchronized (history) {
            return java.util.List.copyOf(history);
        }
    }
}
