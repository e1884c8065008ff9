package org.understudy.jmx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.management.JMX;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.OpenMBeanAttributeInfo;
import javax.management.openmbean.OpenMBeanOperationInfo;
import javax.management.openmbean.OpenMBeanParameterInfo;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.model.AlarmKind;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.DetectionSettings;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.MirrorState;
import org.understudy.model.PrimaryState;
import org.understudy.e2e.Poll;

/** The beans a snapshot gives: names, values, open types and the descriptions JConsole shows. */
class BeanMappingTest {
    private final FakeNode node = new FakeNode();
    private JmxFace face;

    @BeforeEach
    void start() throws Exception {
        face = node.startFace(null);
    }

    @AfterEach
    void stop() {
        face.close();
    }

    private Set<ObjectName> names() throws Exception {
        return node.server.queryNames(ObjectNames.all(), null);
    }

    @Test
    void snapshot_givesOneBeanPerPrimaryVolumeAndPath() throws Exception {
        assertEquals(Set.of(ObjectNames.appliance(), ObjectNames.alarms(), ObjectNames.primary("p1"), ObjectNames.primary("p2"),
                ObjectNames.volume("p1", "vol0"), ObjectNames.volume("p2", "vol0"), ObjectNames.path("p1", "link"),
                ObjectNames.path("p1", "production")), names());
        assertEquals(new ObjectName("org.understudy:type=Volume,primary=p1,name=vol0"), ObjectNames.volume("p1", "vol0"));
    }

    @Test
    void attributes_readTheSnapshot() throws Exception {
        ApplianceMXBean a = JMX.newMXBeanProxy(node.server, ObjectNames.appliance(), ApplianceMXBean.class);
        assertEquals("demo", a.getCluster());
        assertEquals("STANDBY", a.getRole());
        assertEquals("1.2.3", a.getVersion());
        assertEquals(4242, a.getPid());
        assertTrue(a.isAutomaticFailover());
        assertEquals(1, a.getStandInsAllowed());
        assertArrayEquals(new String[] {"p1", "p2"}, a.getPrimaries());
        assertEquals("switchover", a.getLastFailover().kind());
        assertEquals(45, a.getLastFailover().totalMillis());

        PrimaryMXBean p = JMX.newMXBeanProxy(node.server, ObjectNames.primary("p1"), PrimaryMXBean.class);
        assertEquals("PROTECTED", p.getState());
        assertArrayEquals(new String[] {"link", "production"}, p.getPaths());
        assertEquals(1, p.getPathsUp());
        assertEquals(120, p.getSilentForMillis());
        assertEquals(Date.from(FakeNode.T0.plusSeconds(60).minusMillis(120)), p.getLastHeard());
        Views.Failover last = p.getLastFailover();
        assertEquals(2, last.steps().length);
        assertEquals("serve-volumes", last.steps()[1].name());
        assertEquals(30, last.steps()[1].durationMillis());
        CompositeData raw = (CompositeData) node.server.getAttribute(ObjectNames.primary("p1"), "LastFailover");
        assertEquals("operator asked", raw.get("reason"));

        VolumeMXBean v = JMX.newMXBeanProxy(node.server, ObjectNames.volume("p2", "vol0"), VolumeMXBean.class);
        assertEquals("ASYNC", v.getMode());
        assertEquals("SYNCING", v.getState());
        assertEquals(42.5, v.getSyncPercent());
        VolumeMXBean v1 = JMX.newMXBeanProxy(node.server, ObjectNames.volume("p1", "vol0"), VolumeMXBean.class);
        assertEquals(99, v1.getWriteLatencyP99Micros());
        assertEquals(4096, v1.getBytesReplicated());
        // regression: -1 for "no bitmap" and an empty verify: a replica in sync lacks nothing; never verified says so
        assertEquals(0, v1.getDirtyBytes());
        assertEquals("never", v1.getLastVerify());
        assertTrue(v.getDirtyBytes() > 0, "a syncing replica without a bitmap: estimated from the sync share");

        PathMXBean link = JMX.newMXBeanProxy(node.server, ObjectNames.path("p1", "link"), PathMXBean.class);
        assertEquals("REPLICATION_LINK", link.getKind());
        assertEquals(2, link.getForgedHeartbeats());
    }

    @Test
    void detection_lastFailoversPathTookAndFacts_andTheSettings() throws Exception {
        ClusterSnapshot s = FakeNode.snapshot(PrimaryState.STANDING_IN, MirrorState.IN_SYNC, true);
        PrimarySnapshot p1 = s.primaries().get(0);
        FailureDetection d = new FailureDetection(FailureDetection.PROCESS_DEAD, FakeNode.T0, Duration.ofMillis(312), List.of(
                new FailureDetection.Fact("link-closed", Duration.ZERO, "peer closed the replication link"),
                new FailureDetection.Fact("probe", Duration.ofMillis(3), "127.0.1.1:10809 refused in 1 ms"),
                new FailureDetection.Fact("heartbeat-grace", Duration.ofMillis(312), "no heartbeat for 309 ms")));
        FailoverTimeline t = new FailoverTimeline("p1", "failover", "process dead", FakeNode.T0, List.of(),
                Duration.ofMillis(140), true, d);
        PrimarySnapshot failed = new PrimarySnapshot("p1", p1.state(), p1.cause(), p1.since(), p1.paths(), t, 1, p1.caps(),
                null, t, new DetectionSettings(Duration.ofMillis(250), Duration.ofMillis(2000), Duration.ofMillis(500),
                Duration.ofMillis(375)));
        node.snapshot.set(new ClusterSnapshot(s.cluster(), s.node(), List.of(failed, s.primaries().get(1)), s.volumes(),
                s.links(), s.paths(), s.alarms(), s.failover(), s.takenAt()));
        PrimaryMXBean p = JMX.newMXBeanProxy(node.server, ObjectNames.primary("p1"), PrimaryMXBean.class);
        Poll.until(Duration.ofSeconds(10), () -> "p1's detection shown", () -> p.getLastDetectionPath().equals("process-dead"));
        assertEquals(312, p.getLastDetectionMillis());
        Views.Fact[] facts = p.getLastDetectionFacts();
        assertEquals(3, facts.length);
        assertEquals("probe", facts[1].name());
        assertEquals(3, facts[1].afterMillis());
        assertEquals("127.0.1.1:10809 refused in 1 ms", facts[1].detail());
        CompositeData[] raw = (CompositeData[]) node.server.getAttribute(ObjectNames.primary("p1"), "LastDetectionFacts");
        assertEquals(312L, raw[2].get("afterMillis"), "open data: JConsole reads it without Understudy's classes");
        assertEquals(250, p.getHeartbeatIntervalMillis());
        assertEquals(2000, p.getSilenceTimeoutMillis());
        assertEquals(500, p.getProbeTimeoutMillis());
        assertEquals(375, p.getFastPathGraceMillis());
        assertTrue(p.getDetectionSettings().contains("375 ms without heartbeat"), p.getDetectionSettings());

        PrimaryMXBean p2 = JMX.newMXBeanProxy(node.server, ObjectNames.primary("p2"), PrimaryMXBean.class);
        assertEquals("", p2.getLastDetectionPath(), "no failover: no path");
        assertEquals(-1, p2.getLastDetectionMillis());
        assertEquals(0, p2.getLastDetectionFacts().length);
        assertEquals(-1, p2.getSilenceTimeoutMillis(), "settings not in the model: not made up");
        assertEquals("", p2.getDetectionSettings());
    }

    @Test
    void detection_ofAnOperatorsTakeover_isEmpty() {
        PrimaryMXBean p = JMX.newMXBeanProxy(node.server, ObjectNames.primary("p1"), PrimaryMXBean.class);
        assertEquals("switchover", p.getLastFailover().kind());
        assertEquals("", p.getLastDetectionPath());
        assertEquals(-1, p.getLastDetectionMillis());
    }

    @Test
    void alarms_areATableIndexedByAlarmIndex() throws Exception {
        node.alarms.raise(AlarmKind.PATH_DOWN, "p1/path/production", "silent 7.0 s");
        node.alarms.raise(AlarmKind.SPLIT_BRAIN, "p2/vol0", "generations diverged");
        TabularData t = (TabularData) node.server.getAttribute(ObjectNames.alarms(), "ActiveAlarms");
        assertEquals(2, t.size());
        CompositeData row = t.get(new Object[] {2L});
        assertEquals("SPLIT_BRAIN", row.get("kind"));
        assertEquals("CRITICAL", row.get("severity"));
        assertEquals(2, node.server.getAttribute(ObjectNames.alarms(), "ActiveCount"));
        assertEquals("CRITICAL", node.server.getAttribute(ObjectNames.alarms(), "HighestSeverity"));
    }

    @Test
    void everyAttributeOperationAndParameter_hasAnOpenTypeAndADescription() throws Exception {
        for (ObjectName n : names()) {
            MBeanInfo info = node.server.getMBeanInfo(n);
            assertDescribed(n + " itself", info.getDescription());
            for (MBeanAttributeInfo a : info.getAttributes()) {
                assertTrue(open(a, a.getDescriptor()), n + " " + a.getName() + " is not an open type");
                assertDescribed(n + " attribute " + a.getName(), a.getDescription());
                assertFalse(a.isWritable(), n + " " + a.getName() + " is writable: changes go through audited operations");
            }
            for (MBeanOperationInfo o : info.getOperations()) {
                assertTrue(open(o, o.getDescriptor()), n + " " + o.getName() + " does not return an open type");
                assertDescribed(n + " operation " + o.getName(), o.getDescription());
                assertTrue(o.getDescription().toLowerCase().contains("audit"), n + " " + o.getName() + " must say it is audited");
                assertEquals(MBeanOperationInfo.ACTION, o.getImpact());
                for (MBeanParameterInfo p : o.getSignature()) {
                    assertTrue(open(p, p.getDescriptor()), n + " " + o.getName() + " parameter " + p.getName() + " is not an open type");
                    assertDescribed(n + " " + o.getName() + " parameter " + p.getName(), p.getDescription());
                    assertFalse(p.getName().matches("p\\d+"), n + " " + o.getName() + " parameter has no name: " + p.getName());
                }
            }
        }
        MBeanInfo primary = node.server.getMBeanInfo(ObjectNames.primary("p1"));
        assertEquals(Set.of("switchover", "forceFailover", "failback", "clearFence", "setThrottle", "createSnapshot",
                "deleteSnapshot", "rehearse"),
                java.util.Arrays.stream(primary.getOperations()).map(MBeanOperationInfo::getName).collect(java.util.stream.Collectors.toSet()));
        assertNotNull(node.server.getMBeanInfo(ObjectNames.appliance()).getNotifications()[0].getDescription());
    }

    /** Open MBean infos, or (the MXBean way) an {@code openType} in the descriptor. */
    private static boolean open(Object info, javax.management.Descriptor d) {
        return info instanceof OpenMBeanAttributeInfo || info instanceof OpenMBeanOperationInfo || info instanceof OpenMBeanParameterInfo
                || d.getFieldValue("openType") instanceof javax.management.openmbean.OpenType;
    }

    private static void assertDescribed(String what, String description) {
        assertNotNull(description, what);
        assertFalse(description.isBlank(), what);
        assertFalse(description.contains("exposed for management"), what + " has the default description: " + description);
        assertFalse(description.startsWith("Information on the management interface"), what + ": " + description);
    }

    @Test
    void primariesAndVolumes_comeAndGoWithTheModel() throws Exception {
        node.snapshot.set(FakeNode.snapshot(PrimaryState.PROTECTED, MirrorState.IN_SYNC, false));
        Poll.until(Duration.ofSeconds(10), () -> "p2 beans still registered", () -> !node.server.isRegistered(ObjectNames.primary("p2"))
                && !node.server.isRegistered(ObjectNames.volume("p2", "vol0")));
        assertTrue(node.server.isRegistered(ObjectNames.primary("p1")));
        node.snapshot.set(FakeNode.snapshot(PrimaryState.PROTECTED, MirrorState.IN_SYNC, true));
        Poll.until(Duration.ofSeconds(10), () -> "p2 back", () -> node.server.isRegistered(ObjectNames.volume("p2", "vol0")));
    }

    @Test
    void close_unregistersEveryBean() throws Exception {
        face.close();
        assertEquals(Set.of(), names());
        face = node.startFace(null); // a second start in the same server works (the daemon restarts faces this way)
        assertTrue(node.server.isRegistered(ObjectNames.appliance()));
    }

    @Test
    void registrationFailure_isLoggedAndRetried_nodeCarriesOn() throws Exception {
        face.close();
        // something else holds a name the face wants: the face must start anyway and take it over
        node.server.registerMBean(new StandardDummy(), ObjectNames.primary("p1"));
        face = node.startFace(null);
        assertTrue(node.server.isRegistered(ObjectNames.primary("p2")));
        assertEquals("PROTECTED", node.server.getAttribute(ObjectNames.primary("p1"), "State"));
    }

    /** A bean in the way. */
    public interface StandardDummyMBean {
        int getX();
    }

    public static final class StandardDummy implements StandardDummyMBean {
        @Override
        public int getX() {
            return 1;
        }
    }
}
