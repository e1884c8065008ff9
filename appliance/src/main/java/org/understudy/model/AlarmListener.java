package org.understudy.model;

/**
 * Told of every change of the active alarm set, in the order the changes happened. Called on the thread that raised
 * or cleared the alarm while the registry holds its lock: implementations must return quickly and never block
 * (hand work to a queue), and must not expect to see a consistent snapshot of other state.
 */
@FunctionalInterface
public interface AlarmListener {
    void alarmChanged(AlarmChange change);
}
