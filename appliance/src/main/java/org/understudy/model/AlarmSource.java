package org.understudy.model;

import java.util.List;

/**
 * The read side of the one alarm model, for faces: the active alarms and a stream of changes.
 * Implementations are thread-safe.
 */
public interface AlarmSource {
    /** Immutable snapshot of the active alarms, most severe first, then oldest first, then by index. */
    List<Alarm> active();

    /**
     * Registers a listener for every later change. Closing the returned handle unregisters it.
     * Changes from before the call are not replayed: read {@link #active()} after subscribing to catch up.
     */
    Subscription subscribe(AlarmListener listener);

    /** A registration; closing it twice is harmless. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
