package org.understudy.jmx;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Sends the face's notifications with one sequence number series for the whole node, so a listener can tell a gap
 * and the order across beans. User data is a CompositeData of strings, which any JMX client (JConsole included)
 * can show without Understudy's classes. Called from the face's worker thread only; the sequence is thread-safe.
 */
final class Notifier {
    private static final Logger LOG = LogManager.getLogger(Notifier.class);
    private final AtomicLong sequence = new AtomicLong();
    private final String node;

    Notifier(String node) {
        this.node = node;
    }

    /** What an attribute-change emitter declares. */
    static MBeanNotificationInfo attributeChangeInfo() {
        return new MBeanNotificationInfo(new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE},
                AttributeChangeNotification.class.getName(), "The State attribute changed; old and new values are in the notification.");
    }

    long lastSequence() {
        return sequence.get();
    }

    void send(NotificationBroadcasterSupport emitter, ObjectName source, EventNotifications.Draft d) {
        Notification n = new Notification(d.type(), source, sequence.incrementAndGet(), d.at().toEpochMilli(), d.message());
        n.setUserData(userData(d.type(), d.data()));
        deliver(emitter, n);
    }

    void attributeChange(NotificationBroadcasterSupport emitter, ObjectName source, Instant at, String attribute, String before,
                         String after, String message) {
        AttributeChangeNotification n = new AttributeChangeNotification(source, sequence.incrementAndGet(), at.toEpochMilli(), message,
                attribute, String.class.getName(), before, after);
        deliver(emitter, n);
    }

    private void deliver(NotificationBroadcasterSupport emitter, Notification n) {
        try {
            emitter.sendNotification(n);
        } catch (RuntimeException e) {
            LOG.warn("{}: jmx notification {} #{} could not be delivered to every listener: {}", node, n.getType(),
                    n.getSequenceNumber(), e.toString());
        }
    }

    static CompositeData userData(String type, Map<String, String> data) {
        try {
            String[] keys = data.keySet().toArray(String[]::new);
            if (keys.length == 0) {
                return null;
            }
            OpenType<?>[] types = new OpenType<?>[keys.length];
            java.util.Arrays.fill(types, SimpleType.STRING);
            CompositeType t = new CompositeType(type, "Figures behind " + type, keys, keys, types);
            return new CompositeDataSupport(t, keys, data.values().toArray());
        } catch (OpenDataException e) {
            throw new IllegalArgumentException("user data of " + type + ": " + e.getMessage(), e);
        }
    }
}
