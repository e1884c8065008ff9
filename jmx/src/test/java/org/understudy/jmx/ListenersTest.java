package org.understudy.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.understudy.e2e.Poll;

/**
 * The face compares snapshots once a second only while somebody listens to the notifications that comparison finds,
 * and a first listener gets that pace at once.
 */
class ListenersTest {

    /** The smallest MXBean to hang an emitter on. */
    public interface ProbeMXBean {
        int getValue();
    }

    @Test
    void listenersCount_throughTheMBeanServer_andTheFirstOneIsAnnounced() throws Exception {
        AtomicInteger firsts = new AtomicInteger();
        Listeners listeners = new Listeners(firsts::incrementAndGet);
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        ObjectName a = new ObjectName("test:name=a");
        ObjectName b = new ObjectName("test:name=b");
        server.registerMBean(new DescribedMXBean<>((ProbeMXBean) () -> 1, ProbeMXBean.class,
                listeners.emitter(Notifier.attributeChangeInfo())), a);
        server.registerMBean(new DescribedMXBean<>((ProbeMXBean) () -> 2, ProbeMXBean.class,
                listeners.emitter(Notifier.attributeChangeInfo())), b);
        assertFalse(listeners.any());
        NotificationListener one = (n, h) -> { };
        NotificationListener two = (n, h) -> { };
        server.addNotificationListener(a, one, null, null);
        assertTrue(listeners.any());
        server.addNotificationListener(a, one, null, "again");
        server.addNotificationListener(b, two, null, null);
        assertEquals(1, firsts.get(), "only the first listener is announced");
        server.removeNotificationListener(a, one); // both of its registrations
        assertTrue(listeners.any(), "b is still listened to");
        server.removeNotificationListener(b, two, null, null);
        assertFalse(listeners.any());
        server.addNotificationListener(b, two, null, null);
        assertEquals(2, firsts.get(), "a first listener again after none");
    }

    @Test
    void unheardWorker_refreshesAtTheIdlePace_untilWoken_thenAtTheListenedPace() throws Exception {
        AtomicInteger refreshes = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean heard = new java.util.concurrent.atomic.AtomicBoolean();
        FaceWorker worker = new FaceWorker("n", 20, Duration.ofHours(1).toMillis(), heard::get, item -> { },
                refreshes::incrementAndGet);
        worker.start();
        try {
            worker.offer("event");
            Poll.until(Duration.ofSeconds(10), () -> "no refresh after an event", () -> refreshes.get() == 1);
            heard.set(true);
            worker.wake(); // else it would wait the idle hour before looking again
            Poll.until(Duration.ofSeconds(10), () -> refreshes.get() + " refreshes", () -> refreshes.get() >= 5);
        } finally {
            worker.close();
        }
    }
}
