package org.understudy.health;

/**
 * Tells a pause of this whole process (a GC, a suspended VM or process: every thread stood still, nothing was
 * received) from a detector thread that was only late because it was busy (the listeners of its own events ran on
 * it) while the threads that receive heartbeats and frames went on recording life.
 */
@FunctionalInterface
public interface PauseWitness {

    /** True if this process stood still for more than {@code longerThan} ns at some time after {@code since}. */
    boolean stalled(long since, long longerThan);

    /** No witness: every late tick counts as a pause (the safe side; the fake clock of the tests). */
    PauseWitness NONE = (since, longerThan) -> true;
}
