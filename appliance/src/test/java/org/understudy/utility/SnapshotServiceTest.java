package org.understudy.utility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.config.ClusterConfig;
import org.understudy.config.SnapshotConfig;
import org.understudy.events.MutableClock;
import org.understudy.model.AlarmKind;
import org.understudy.model.ModelEvent;
import org.understudy.model.SnapshotKind;
import org.understudy.replica.ReplicaStore;
import org.understudy.snapshot.SnapshotInfo;
import org.understudy.testing.MemoryDir;
import org.understudy.testing.TestCluster;

/**
 * The snapshot service over real replica files, with the links and the primary played by the test: the primary's
 * cut (markers arriving per volume), the standby's own cut when the primary is gone, refusals, the schedule with its
 * retention, and the pre-resync snapshot's life.
 */
class SnapshotServiceTest {
    private static final long SIZE = 1 << 20;
    private static final Instant T0 = Instant.parse("2026-12-06T02:59:30Z");

    @RegisterExtension
    final MemoryDir memory = new MemoryDir();
    private final MutableClock clock = new MutableClock(T0);
    private final List<ModelEvent> events = new ArrayList<>();
    private final AtomicInteger links = new AtomicInteger(2);
    private final AtomicReference<CutRequester> cutter = new AtomicReference<>();
    private AlarmRegistry alarms;
    private ReplicaStore replicas;
    private SnapshotService service;

    @BeforeEach
    void open() throws IOException {
        Path root = memory.path();
        ClusterConfig c = TestCluster.of(root, 7700, 1, SIZE, SIZE);
        SnapshotConfig snaps = new SnapshotConfig(64 * 1024, 10809, new SnapshotConfig.Policy(0, true,
                Duration.ofMinutes(30), List.of(new SnapshotConfig.Schedule("hourly", Duration.ofHours(1), 2))),
                Map.of());
        ClusterConfig cluster = new ClusterConfig(c.file(), c.name(), c.standby(), c.primaries(), c.secrets(),
                c.snmp(), c.mirror(), c.ha(), snaps);
        for (String v : List.of("vol0", "vol1")) {
            // replicas a resync completed: consistent, not fresh
            Path dir = cluster.standby().replicaDir().resolve("p1");
            Files.createDirectories(dir);
            Files.write(dir.resolve(v + ".img"), new byte[(int) SIZE]);
            Files.writeString(dir.resolve(v + ".meta"), "size=" + SIZE + "\nconsistent=true\nfresh=false\n"
                    + "updated=" + T0 + "\n");
        }
        replicas = ReplicaStore.open(cluster, clock);
        alarms = new AlarmRegistry("sb", clock);
        service = new SnapshotService(cluster, replicas, p -> links.get(), p -> false,
                (p, cut, vols) -> cutter.get().request(p, cut, vols), clock, System::nanoTime, events::add, alarms);
    }

    @AfterEach
    void close() throws IOException {
        replicas.close();
    }

    /** A primary that queues the markers, and links that apply them (in the test's thread, as a session would). */
    private void primaryAppliesMarkers() {
        cutter.set((p, cut, vols) -> {
            for (String v : vols) {
                try {
                    service.cutReached(replicas.replica(p, v), cut);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new CutRequester.Answer(true, true, "queued");
        });
    }

    @Test
    void primaryCut_sealsEachVolumeWhenItsMarkerArrives() throws Exception {
        primaryAppliesMarkers();
        SnapshotInfo i = service.create("p1", null, "nightly", SnapshotKind.MANUAL, List.of(), "ops");
        assertTrue(i.primaryCut() && i.complete() && i.consistent(), i.toString());
        assertEquals(List.of("vol0", "vol1"), List.copyOf(new java.util.TreeSet<>(i.members().keySet())));
        ModelEvent.SnapshotCreated e = (ModelEvent.SnapshotCreated) events.getLast();
        assertEquals("nightly", e.name());
        assertThrows(SnapshotRefused.class, () -> service.create("p1", "vol0", "nightly", SnapshotKind.MANUAL,
                List.of(), "ops"), "names are unique among a primary's snapshots");
    }

    @Test
    void markerThatNeverComes_dropsTheHalfTakenSnapshot() throws Exception {
        cutter.set((p, cut, vols) -> {
            try {
                service.cutReached(replicas.replica(p, "vol0"), cut); // vol1's link died before its marker
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new CutRequester.Answer(true, true, "queued");
        });
        service.cutWait(Duration.ofMillis(200));
        SnapshotRefused r = assertThrows(SnapshotRefused.class, () -> service.create("p1", null, null,
                SnapshotKind.MANUAL, List.of(), "ops"));
        assertTrue(r.getMessage().contains("[vol1]"), r.getMessage());
        assertTrue(service.list("p1").isEmpty(), "nothing half taken is kept");
    }

    @Test
    void primaryUnreachable_withNoLinks_theStandbyTakesTheCut_butARefusalIsARefusal() throws Exception {
        cutter.set((p, cut, vols) -> new CutRequester.Answer(false, false, "connection refused"));
        links.set(0);
        SnapshotInfo own = service.create("p1", null, null, SnapshotKind.MANUAL, List.of(), "ops");
        assertFalse(own.primaryCut());
        assertEquals(2, own.members().size());
        links.set(2);
        cutter.set((p, cut, vols) -> new CutRequester.Answer(false, true, "vol1: no link to the standby"));
        SnapshotRefused r = assertThrows(SnapshotRefused.class, () -> service.create("p1", null, null,
                SnapshotKind.MANUAL, List.of(), "ops"));
        assertTrue(r.getMessage().contains("no link"), r.getMessage());
        assertEquals(1, service.list("p1").size());
    }

    @Test
    void schedule_takesOnTheHour_keepsTheNewestTwo_andSaysSo() throws Exception {
        primaryAppliesMarkers();
        SnapshotSchedules schedules = new SnapshotSchedules(service);
        schedules.tick(); // 02:59:30: no snapshot yet, so one is due (the last boundary, 02:00, was missed)
        assertEquals(1, service.list("p1").size());
        clock.advance(Duration.ofSeconds(20));
        schedules.tick(); // 02:59:50: the same hour
        assertEquals(1, service.list("p1").size());
        for (int h = 0; h < 3; h++) {
            clock.advance(Duration.ofHours(1));
            schedules.tick();
        }
        List<SnapshotInfo> kept = service.list("p1");
        assertEquals(2, kept.size(), "keep: 2");
        assertTrue(kept.stream().allMatch(i -> i.kind() == SnapshotKind.SCHEDULED && i.labels().equals(List.of("hourly"))));
        long deleted = events.stream().filter(e -> e instanceof ModelEvent.SnapshotDeleted d
                && d.reason().contains("retention of schedule hourly")).count();
        assertEquals(2, deleted);
    }

    @Test
    void preResyncSnapshot_isHeldThroughTheResync_thenExpires() throws Exception {
        var replica = replicas.replica("p1", "vol0");
        service.beforeResyncTarget(replica);
        service.beforeResyncTarget(replica); // a second link of the same resync: still the one snapshot
        SnapshotInfo pre = service.list("p1").getFirst();
        assertEquals(SnapshotKind.PRE_RESYNC, pre.kind());
        assertTrue(pre.held());
        assertEquals(1, service.list("p1").size());
        SnapshotSchedules schedules = new SnapshotSchedules(service);
        clock.advance(Duration.ofHours(5));
        service.resyncEnded(replica);
        assertEquals(clock.instant().plus(Duration.ofMinutes(30)), service.list("p1").getFirst().expires());
        clock.advance(Duration.ofMinutes(31));
        cutter.set((p, cut, vols) -> new CutRequester.Answer(false, true, "busy")); // the hourly one fails meanwhile
        schedules.tick();
        assertTrue(service.list("p1").stream().noneMatch(i -> i.kind() == SnapshotKind.PRE_RESYNC), "expired");
        assertTrue(alarms.isActive(AlarmKind.SNAPSHOT_FAILED, "p1"), "the failed scheduled snapshot is an alarm");
    }
}
