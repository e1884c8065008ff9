package org.understudy.utility;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.MirrorMode;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.mirror.CutGate;
import org.understudy.mirror.MirrorContext;
import org.understudy.mirror.MirrorOptions;
import org.understudy.mirror.MirroredVolume;
import org.understudy.model.MirrorState;
import org.understudy.model.SnapshotKind;
import org.understudy.replica.LinkActivity;
import org.understudy.replica.ReplicaOptions;
import org.understudy.replica.ReplicaServer;
import org.understudy.resync.Throttles;
import org.understudy.snapshot.SnapshotInfo;
import org.understudy.testing.MemoryDir;
import org.understudy.testing.TestCluster;

/**
 * The primary's cut in asynchronous mode, where the replicas lag behind the volumes (mirroring capped) and by
 * different amounts: a writer alternates numbered 4 KiB blocks between two volumes, each write done before the next,
 * and every snapshot taken meanwhile shows the same point of that stream on both replicas (n blocks on vol1, n or
 * n+1 on vol0), because each replica's image is taken when its own link applies the marker. (The standby cutting
 * the lagging replicas itself at one instant would show them at different points.)
 */
class AsyncCutTest {
    private static final long SIZE = 4L << 20;
    private static final int BLOCK = 4096;

    @RegisterExtension
    final MemoryDir memory = new MemoryDir();

    @Test
    void cutsOfLaggingAsyncReplicas_areOnePointOfTheWriteStream() throws Exception {
        Path root = memory.path();
        ClusterConfig base = TestCluster.of(root, 0, 1, SIZE, SIZE);
        PrimaryConfig p = base.primaries().getFirst();
        List<VolumeConfig> async = p.volumes().stream()
                // a small backlog: the writer waits for the capped link, so the stream moves while the cuts are taken
                .map(v -> new VolumeConfig(v.name(), v.file(), v.size(), MirrorMode.ASYNC,
                        v.mirror().withAsync(256 << 10, 8 << 20))).toList();
        ClusterConfig cluster0 = new ClusterConfig(base.file(), base.name(), base.standby(),
                List.of(new PrimaryConfig(p.name(), p.address(), p.nbdPort(), p.admin(), p.stateDir(), async)),
                base.secrets());
        AtomicReference<SnapshotService> service = new AtomicReference<>();
        CutGate gate = new CutGate(System::nanoTime);
        Map<String, MirroredVolume> volumes = new LinkedHashMap<>();
        ReplicaServer server = ReplicaServer.start(cluster0, ReplicaOptions.defaults()
                .withBind(new Endpoint("127.0.0.1", 0)), LinkActivity.NONE, store -> {
                    SnapshotService s = new SnapshotService(cluster0, store, x -> 2, x -> false,
                            (primary, cut, vols) -> {
                                try {
                                    gate.cut(volumes, vols, cut);
                                    return new CutRequester.Answer(true, true, "queued");
                                } catch (CutGate.Refused e) {
                                    return new CutRequester.Answer(false, true, e.getMessage());
                                }
                            }, InstantSource.system(), System::nanoTime, e -> { }, new AlarmRegistry("sb",
                            java.time.Clock.systemUTC()));
                    service.set(s);
                    return s;
                });
        ClusterConfig cluster = TestCluster.withPort(cluster0, server.boundPort());
        PrimaryConfig primary = new PrimaryConfig(p.name(), p.address(), p.nbdPort(), p.admin(), p.stateDir(), async);
        Throttles throttles = Throttles.unlimited();
        throttles.mirroring().setGlobalRate(2 << 20); // 2 MB/s for both links: the replicas lag behind
        MirrorOptions options = MirrorOptions.defaults().withReconnect(Duration.ofMillis(20), Duration.ofMillis(300));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = null;
        try {
            for (VolumeConfig v : async) {
                volumes.put(v.name(), MirroredVolume.open(cluster, primary, v, options,
                        new MirrorContext(throttles, null, null, gate)));
            }
            for (MirroredVolume v : volumes.values()) {
                org.understudy.e2e.Poll.until(Duration.ofSeconds(30), v.describe() + " in sync",
                        () -> v.state() == MirrorState.IN_SYNC);
            }
            writer = new Thread(() -> {
                try {
                    ByteBuffer block = ByteBuffer.allocate(BLOCK);
                    for (int k = 0; k < SIZE / BLOCK && !stop.get(); k++) {
                        for (MirroredVolume v : volumes.values()) {
                            java.util.Arrays.fill(block.array(), (byte) 0x5c);
                            v.write((long) k * BLOCK, block.clear(), false);
                        }
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "alternating-writer");
            writer.start();
            List<SnapshotInfo> cuts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread.sleep(150); // the writer moves on between cuts: what the cuts see is the measure
                cuts.add(service.get().create("p1", null, "cut" + i, SnapshotKind.MANUAL, List.of(), "test"));
            }
            stop.set(true);
            writer.join(30_000);
            assertTrue(failed.get() == null, String.valueOf(failed.get()));
            int lastSeen = 0;
            for (SnapshotInfo c : cuts) {
                int n0 = blocks(service.get(), "vol0", c);
                int n1 = blocks(service.get(), "vol1", c);
                assertTrue(n0 == n1 || n0 == n1 + 1, c.name() + ": vol0 holds " + n0 + " blocks of the stream, vol1 "
                        + n1);
                lastSeen = Math.max(lastSeen, n0);
            }
            assertTrue(lastSeen > 0, "no write reached a cut");
        } finally {
            stop.set(true);
            if (writer != null) {
                writer.join(30_000);
            }
            for (MirroredVolume v : volumes.values()) {
                v.close();
            }
            server.close();
        }
    }

    /** How many blocks of the stream the snapshot's image of {@code volume} holds (0x5c blocks from 0 on). */
    private static int blocks(SnapshotService service, String volume, SnapshotInfo c) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) SIZE);
        service.image("p1", volume, c.id(), c.name()).read(0, all);
        byte[] b = all.array();
        int n = 0;
        for (int at = 0; at + BLOCK <= b.length; at += BLOCK, n++) {
            for (int i = at; i < at + BLOCK; i++) {
                if (b[i] != 0x5c) {
                    return n;
                }
            }
        }
        return n;
    }
}
