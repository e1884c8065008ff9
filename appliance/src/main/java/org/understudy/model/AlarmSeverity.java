package org.understudy.model;

/**
 * How bad an active alarm is, most severe first (the ITU-T X.733 / ALARM-MIB perceived severities without
 * "cleared" and "indeterminate", which Understudy expresses by clearing an alarm and by {@link #INFO}).
 * Immutable.
 */
public enum AlarmSeverity {
    CRITICAL(3), MAJOR(4), MINOR(5), WARNING(6), INFO(2);

    /** X.733 perceivedSeverity value of a cleared alarm, for traps and notifications that announce a clear. */
    public static final int X733_CLEARED = 1;

    private final int x733;

    AlarmSeverity(int x733) {
        this.x733 = x733;
    }

    /** The ITU-T X.733 perceivedSeverity code (ALARM-MIB ItuPerceivedSeverity): critical 3 ... warning 6, info 2. */
    public int x733() {
        return x733;
    }
}
