package org.understudy.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.AttributeChangeNotification;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.model.AlarmKind;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.MirrorState;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathKind;
import org.understudy.model.PathState;
import org.understudy.model.PrimaryState;
import org.understudy.e2e.Poll;

/** Model events and alarm changes become JMX notifications, numbered, with user data, never blocking publishers. */
class NotificationsTest {
    private final FakeNode node = new FakeNode();
    private final List<Notification> received = new CopyOnWriteArrayList<>();
    private final NotificationListener collect = (n, handback) -> received.add(n);
    private JmxFace face;

    @BeforeEach
    void start() throws Exception {
        face = node.startFace(null);
        node.server.addNotificationListener(ObjectNames.appliance(), collect, null, null);
    }

    @AfterEach
    void stop() {
        face.close();
    }

    private Notification await(String type) {
        Poll.until(Duration.ofSeconds(10),
                () -> "no " + type + " among " + received.stream().map(Notification::getType).toList(), () -> received.stream().anyMatch(n -> n.getType().equals(type)));
        return received.stream().filter(n -> n.getType().equals(type)).findFirst().orElseThrow();
    }

    private static String data(Notification n, String key) {
        return (String) ((CompositeData) n.getUserData()).get(key);
    }

    @Test
    void failoverEvents_becomeNotificationsWithTheFiguresBehindThem() {
        Instant at = Instant.parse("2026-11-21T10:00:05Z");
        FailoverTimeline t = new FailoverTimeline("p1", "failover", "2.04 s silent on link and production, probe failed", at,
                List.of(new FailoverStep("fence", Duration.ZERO, Duration.ofMillis(12), FailoverStep.Outcome.OK, "")),
                Duration.ofMillis(812), true, new FailureDetection(FailureDetection.HOST_SILENT, at.minusMillis(2040),
                Duration.ofMillis(2040), List.of(new FailureDetection.Fact("silence", Duration.ofMillis(2000),
                "every path silent 2000 ms"))));
        node.events.publish(new ModelEvent.PrimaryFailed(at, "p1", "2.04 s silent on every path"));
        node.events.publish(new ModelEvent.FailoverStarted(at, "p1", "failover", "p1 failed"));
        node.events.publish(new ModelEvent.FailoverCompleted(at, t));
        node.events.publish(new ModelEvent.FailoverFailed(at, t, "serve-volumes failed"));
        node.events.publish(new ModelEvent.PathChanged(at, "p1", "production", PathKind.PRODUCTION, PathState.DOWN, Duration.ofMillis(2040)));
        node.events.publish(new ModelEvent.PathChanged(at, "p1", "production", PathKind.PRODUCTION, PathState.UP, Duration.ZERO));
        node.events.publish(new ModelEvent.StandbyLost(at, "standby", "no ack for 3 s"));
        node.events.publish(new ModelEvent.StandbyRestored(at, "standby", "acks again"));

        Notification failed = await(EventNotifications.PRIMARY_FAILED);
        assertEquals(ObjectNames.appliance(), failed.getSource());
        assertEquals("p1", data(failed, "primary"));
        assertEquals(at.toEpochMilli(), failed.getTimeStamp());
        Notification done = await(EventNotifications.FAILOVER_COMPLETED);
        assertEquals("812", data(done, "totalMillis"));
        assertTrue(data(done, "steps").contains("fence 12 ms OK"), data(done, "steps"));
        assertEquals("host-silent", data(done, "detectionPath"));
        assertEquals("2040", data(done, "detectionMillis"));
        assertTrue(data(done, "detection").contains("silence +2000 ms (every path silent 2000 ms)"), data(done, "detection"));
        assertTrue(done.getMessage().contains("failover (host-silent) completed"), done.getMessage());
        Notification notDone = await(EventNotifications.FAILOVER_FAILED);
        assertEquals("serve-volumes failed", data(notDone, "reason"));
        assertEquals("host-silent", data(notDone, "detectionPath"));
        assertEquals("2040", data(await(EventNotifications.PATH_DOWN), "silentForMillis"));
        await(EventNotifications.PATH_UP);
        await(EventNotifications.FAILOVER_STARTED);
        assertEquals("no ack for 3 s", data(await(EventNotifications.STANDBY_LOST), "reason"));
        await(EventNotifications.STANDBY_RESTORED);
        // one numbering for the node, in publication order
        for (int i = 1; i < received.size(); i++) {
            assertTrue(received.get(i).getSequenceNumber() > received.get(i - 1).getSequenceNumber(), "sequence " + received);
        }
    }

    @Test
    void alarms_raisedUpdatedCleared_andSplitBrainAndVerifyMismatchAnnounced() {
        node.alarms.raise(AlarmKind.SPLIT_BRAIN, "p2/vol0", "generations diverged");
        node.alarms.raise(AlarmKind.VERIFY_MISMATCH, "p1/vol0", "3 regions differ");
        node.alarms.raise(AlarmKind.VERIFY_MISMATCH, "p1/vol0", org.understudy.model.AlarmSeverity.CRITICAL, "9 regions differ");
        node.alarms.clear(AlarmKind.VERIFY_MISMATCH, "p1/vol0", "resynced");
        Notification raised = await(EventNotifications.ALARM_RAISED);
        assertEquals("SPLIT_BRAIN", data(raised, "kind"));
        assertEquals("1", data(raised, "index"));
        assertEquals("p2/vol0", data(await(EventNotifications.SPLIT_BRAIN), "resource"));
        assertEquals("3 regions differ", data(await(EventNotifications.VERIFY_MISMATCH), "description"));
        assertEquals("CRITICAL", data(await(EventNotifications.ALARM_UPDATED), "severity"));
        Notification cleared = await(EventNotifications.ALARM_CLEARED);
        assertEquals("resynced", data(cleared, "reason"));
        assertEquals("CLEARED", data(cleared, "severity"));
    }

    @Test
    void stateChange_sendsAttributeChangeFromTheBean_andResyncStartAndEnd() throws Exception {
        List<Notification> primary = new CopyOnWriteArrayList<>();
        node.server.addNotificationListener(ObjectNames.primary("p1"), (n, h) -> primary.add(n), null, null);
        node.snapshot.set(FakeNode.snapshot(PrimaryState.SUSPECT, MirrorState.SYNCING, true));
        Poll.until(Duration.ofSeconds(10), () -> "no attribute change from p1", () -> !primary.isEmpty());
        AttributeChangeNotification ac = (AttributeChangeNotification) primary.getFirst();
        assertEquals("State", ac.getAttributeName());
        assertEquals("PROTECTED", ac.getOldValue());
        assertEquals("SUSPECT", ac.getNewValue());
        assertEquals(ObjectNames.primary("p1"), ac.getSource());
        assertTrue(ac.getMessage().contains("primary p1 state PROTECTED -> SUSPECT"), ac.getMessage());
        assertEquals("IN_SYNC", data(await(EventNotifications.RESYNC_STARTED), "from"));
        node.snapshot.set(FakeNode.snapshot(PrimaryState.PROTECTED, MirrorState.IN_SYNC, true));
        assertEquals("SYNCING", data(await(EventNotifications.RESYNC_COMPLETED), "from"));
    }

    @Test
    void slowListener_neverBlocksThePublisher() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        node.server.addNotificationListener(ObjectNames.appliance(), (n, h) -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, null, null);
        long start = System.nanoTime();
        for (int i = 0; i < FaceWorker.CAPACITY + 500; i++) {
            node.events.publish(new ModelEvent.PrimaryFailed(Instant.now(), "p1", "test " + i));
        }
        long publishMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertTrue(publishMillis < 5_000, "publishing took " + publishMillis + " ms with a stuck listener");
        release.countDown();
        Poll.until(Duration.ofSeconds(20), () -> received.size() + " received", () -> received.size() >= FaceWorker.CAPACITY);
    }

    @Test
    void userData_isOpenData_readableWithoutUnderstudyClasses() {
        CompositeData d = Notifier.userData("understudy.test", Map.of("primary", "p1"));
        assertEquals("p1", d.get("primary"));
        assertEquals("java.lang.String", d.getCompositeType().getType("primary").getClassName());
    }
}
