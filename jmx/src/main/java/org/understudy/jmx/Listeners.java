package org.understudy.jmx;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanNotificationInfo;
import javax.management.NotificationBroadcasterSupport;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;

/**
 * Counts the listeners on the emitters of the notifications the face finds by comparing snapshots (attribute changes
 * of the beans' State, resync start and end), so that it compares them once a second only while somebody listens.
 * {@code firstListener} runs when the count goes from none to one. A listener left on an unregistered bean keeps
 * counting: the face then compares as often as when it is heard, never less. Thread-safe.
 */
final class Listeners {
    private final AtomicInteger count = new AtomicInteger();
    private final Runnable firstListener;

    Listeners(Runnable firstListener) {
        this.firstListener = firstListener;
    }

    /** Whether any listener is registered on an emitter made here. */
    boolean any() {
        return count.get() > 0;
    }

    /** An emitter whose listeners count here. */
    NotificationBroadcasterSupport emitter(MBeanNotificationInfo... info) {
        return new Counted(info);
    }

    private final class Counted extends NotificationBroadcasterSupport {
        private final List<NotificationListener> registered = new CopyOnWriteArrayList<>();

        Counted(MBeanNotificationInfo... info) {
            super(info);
        }

        @Override
        public void addNotificationListener(NotificationListener listener, NotificationFilter filter,
                                            Object handback) {
            super.addNotificationListener(listener, filter, handback);
            registered.add(listener);
            if (count.incrementAndGet() == 1) {
                firstListener.run();
            }
        }

        @Override
        public void removeNotificationListener(NotificationListener listener) throws ListenerNotFoundException {
            super.removeNotificationListener(listener);
            // every registration of this listener, each removal counted on its own (an add meanwhile stays counted)
            while (registered.remove(listener)) {
                count.decrementAndGet();
            }
        }

        @Override
        public void removeNotificationListener(NotificationListener listener, NotificationFilter filter,
                                               Object handback) throws ListenerNotFoundException {
            super.removeNotificationListener(listener, filter, handback);
            if (registered.remove(listener)) {
                count.decrementAndGet();
            }
        }
    }
}
