package org.understudy.model;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The node's event channel: engines publish, faces subscribe. Delivery is synchronous on the publisher's thread, so
 * listeners must hand slow work (sending a trap, writing a row) to their own queue. A listener that throws is logged
 * and does not stop delivery to the others. Thread-safe.
 */
public final class EventBus implements EventStream, Consumer<ModelEvent> {
    private static final Logger LOG = LogManager.getLogger(EventBus.class);
    private final CopyOnWriteArrayList<Consumer<ModelEvent>> listeners = new CopyOnWriteArrayList<>();

    /** Publishes one event to every current listener. */
    public void publish(ModelEvent event) {
        for (Consumer<ModelEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.error("event listener {} failed on {}: {}", l, event.getClass().getSimpleName(), e.toString(), e);
            }
        }
    }

    @Override
    public void accept(ModelEvent event) {
        publish(event);
    }

    @Override
    public AlarmSource.Subscription subscribe(Consumer<ModelEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
