package org.understudy.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.JMX;
import javax.management.Notification;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.e2e.DemoFixture;
import org.understudy.e2e.Poll;

/**
 * JConsole's two failover stories on real processes: a switchover invoked over JMX is performed, and a SIGKILLed
 * primary is announced by notification. Needs the failover engine in the standby: tagged and excluded from the
 * default Failsafe run until it is merged (run with {@code -Dfailsafe.excludedGroups=} then).
 */
class JmxFailoverIT {
    @TempDir
    Path dir;
    private DemoFixture demo;

    @BeforeEach
    void start() throws Exception {
        demo = DemoFixture.start(dir.resolve("demo"), "--primaries", "1", "--volume-size", "4MiB");
    }

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void switchover_invokedOverJmx_isPerformedAndAudited() throws Exception {
        try (JMXConnector c = DemoJmx.operator(demo, "standby")) {
            PrimaryMXBean p1 = JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.primary("p1"), PrimaryMXBean.class);
            Poll.until(Duration.ofSeconds(60), "p1 protected", () -> p1.getState().equals("PROTECTED"));
            p1.switchover();
            Poll.until(Duration.ofSeconds(120), "standby stands in for p1", () -> p1.getState().equals("STANDING_IN"));
            assertEquals("switchover", p1.getLastFailover().kind());
            assertTrue(p1.getLastFailover().completed());
        }
        Poll.until(Duration.ofSeconds(10), "audit line with the JMX principal",
                () -> DemoJmx.log(demo, "standby").contains("operator action switchover on p1 by operator via jmx: OK"));
    }

    @Test
    void sigkillPrimary_notificationArrives() throws Exception {
        List<Notification> got = new CopyOnWriteArrayList<>();
        try (JMXConnector c = DemoJmx.monitor(demo, "standby")) {
            c.getMBeanServerConnection().addNotificationListener(ObjectNames.appliance(), (n, h) -> got.add(n), null, null);
            demo.kill("p1");
            Poll.until(Duration.ofSeconds(120), "primary failed notification",
                    () -> got.stream().anyMatch(n -> n.getType().equals(EventNotifications.PRIMARY_FAILED)));
            Poll.until(Duration.ofSeconds(120), "failover started notification",
                    () -> got.stream().anyMatch(n -> n.getType().equals(EventNotifications.FAILOVER_STARTED)));
            Poll.until(Duration.ofSeconds(120), "failover completed notification",
                    () -> got.stream().anyMatch(n -> n.getType().equals(EventNotifications.FAILOVER_COMPLETED)));
            Notification done = got.stream().filter(n -> n.getType().equals(EventNotifications.FAILOVER_COMPLETED))
                    .findFirst().orElseThrow();
            // a SIGKILLed process on a live host: the fast path, named in the text and the figures
            assertTrue(done.getMessage().contains("(process-dead)"), done.getMessage());
            assertEquals("process-dead", ((CompositeData) done.getUserData()).get("detectionPath"), done.getMessage());
            PrimaryMXBean p1 = JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.primary("p1"), PrimaryMXBean.class);
            Poll.until(Duration.ofSeconds(30), "p1's last detection on its bean",
                    () -> p1.getLastDetectionPath().equals("process-dead"));
            assertTrue(p1.getLastDetectionMillis() >= 0 && p1.getLastDetectionMillis() < p1.getSilenceTimeoutMillis(),
                    p1.getLastDetectionMillis() + " ms, before the silence timeout " + p1.getSilenceTimeoutMillis());
            assertTrue(java.util.Arrays.stream(p1.getLastDetectionFacts()).anyMatch(f -> f.name().equals("probe")),
                    java.util.Arrays.toString(p1.getLastDetectionFacts()));
            assertTrue(p1.getFastPathGraceMillis() > 0, "fast path on by default: " + p1.getDetectionSettings());
        }
    }
}
