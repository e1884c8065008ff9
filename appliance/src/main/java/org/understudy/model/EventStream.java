package org.understudy.model;

import java.util.function.Consumer;

/**
 * The stream of model events (failovers, path changes, alarms, operator actions) that faces turn into traps,
 * notifications and pushes. Listeners are called on the publishing thread: they must return quickly and never block.
 * Events from before a subscription are not replayed; read the snapshot after subscribing to catch up.
 */
public interface EventStream {
    AlarmSource.Subscription subscribe(Consumer<ModelEvent> listener);
}
