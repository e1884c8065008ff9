package org.understudy.failover;

import java.io.IOException;

/**
 * Where the failover engine records an operator's change of the automatic-failover switch so it outlives the
 * process (the daemon gives it a file in the standby's state directory). The engine knows no file format; it only
 * says what was chosen and by whom. Implementations must be safe to call from any thread (the engine calls it under
 * its own lock, one change at a time).
 */
@FunctionalInterface
public interface AutoSwitchRecorder {
    /** Records nothing: the switch lives in memory only (tests, tools). */
    AutoSwitchRecorder NONE = (on, who) -> {
    };

    /** Records durably, before returning, that {@code who} switched automatic failover {@code on} or off. */
    void record(boolean on, String who) throws IOException;
}
