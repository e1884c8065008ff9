package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.understudy.config.ClusterConfig;
import org.understudy.config.MirrorMode;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.e2e.Poll;
import org.understudy.model.MirrorState;
import org.understudy.replica.Replica;
import org.understudy.replica.ReplicaOptions;
import org.understudy.replica.ReplicaServer;
import org.understudy.replication.FrameCodec;
import org.understudy.resync.DirtyBitmap;
import org.understudy.storage.FileBlockDevice;
import org.understudy.testing.TestCluster;
import org.understudy.transport.FakeClock;
import org.understudy.transport.FaultyStreamTransport;
import org.understudy.transport.InMemoryStreams;
import org.understudy.transport.ManualScheduler;
import org.understudy.transport.StreamTransport;
import org.understudy.transport.TcpStreamTransport;

/**
 * One primary volume and its standby joined by in-memory streams (or TCP over loopback) through a fault switch on the
 * primary's side, for deterministic link scenarios. The primary's clock is a {@link FakeClock}, so its ACK timeout fires only when the test
 * moves time ({@link #advanceUntilDegraded}); it reconnects only when the test asks ({@link #reconnect}), its back-off
 * being an hour. Every write the test makes is recorded with what the standby said of it, and {@link #checkInvariant}
 * holds the two data-safety promises of the link against the files: the replica holds every acknowledged write, and
 * the primary's dirty bitmap holds everything else.
 */
final class LinkScenario implements AutoCloseable {
    static final int REGION = DirtyBitmap.DEFAULT_REGION_SIZE;
    /** Bytes of a replication frame's header: a count in the stream lands {@code HEADER + n} into a frame's payload. */
    static final int HEADER = FrameCodec.HEADER_SIZE;
    /**
     * Long, because it also bounds the primary's handshake in real time, which must never run out under load; the
     * ACK timeout itself counts on the fake clock, checked every few milliseconds ({@link #timers}).
     */
    static final Duration ACK_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** The reconnect back-off: the primary reconnects only when the test asks. */
    private static final Duration BACK_OFF = Duration.ofHours(1);

    /** What the link runs over: the same scenarios hold on both. */
    enum Wire {
        /** In-memory pipes: no sockets. */
        MEMORY,
        /** TCP over loopback. */
        TCP
    }

    /** What the standby said of a write: acknowledged, not acknowledged, or not known yet (async mode). */
    enum Ack { ACKED, NOT_ACKED, UNKNOWN }

    /** One client write of the scenario. */
    static final class Write {
        final long offset;
        final byte[] data;
        volatile Ack ack;

        Write(long offset, byte[] data, Ack ack) {
            this.offset = offset;
            this.data = data;
            this.ack = ack;
        }

        @Override
        public String toString() {
            return data.length + " bytes at " + offset + " (" + ack + ")";
        }
    }

    final FakeClock clock = new FakeClock();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    /** The switch on the primary's side: OUTBOUND is primary to standby, INBOUND the standby's answers. */
    final FaultyStreamTransport faults;
    final ClusterConfig cluster;
    final ReplicaServer standby;
    final BitmapPlanner planner;
    final MirroredVolume volume;
    final List<Write> writes = new CopyOnWriteArrayList<>();
    /**
     * The primary's timers. Periodic checks (the ACK watchdog, which reads the fake clock) look every 10 ms instead of
     * every quarter timeout; one-shot timers (handshake bound, reconnect back-off) keep their real delays, which the
     * scenario makes too long to run out. The back-offs are kept, so {@link #reconnect} knows when one waits.
     */
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "scenario-timers");
        t.setDaemon(true);
        return t;
    }) {
        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
            return super.scheduleAtFixedRate(task, 10, 10, TimeUnit.MILLISECONDS);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            ScheduledFuture<?> f = super.schedule(task, delay, unit);
            if (unit.toNanos(delay) >= BACK_OFF.toNanos()) {
                backOffs.add(f);
            }
            return f;
        }
    };
    private final List<ScheduledFuture<?>> backOffs = new CopyOnWriteArrayList<>();
    private final boolean async;
    private final long size;

    LinkScenario(Path root, Wire wire, MirrorMode mode, long size) throws IOException {
        this.async = mode == MirrorMode.ASYNC;
        this.size = size;
        StreamTransport net = wire == Wire.MEMORY ? new InMemoryStreams() : new TcpStreamTransport();
        faults = new FaultyStreamTransport(net, scheduler);
        ClusterConfig base = TestCluster.of(root, 0, 1, size);
        PrimaryConfig p0 = base.primaries().get(0);
        VolumeConfig v0 = p0.volumes().get(0);
        VolumeConfig v = new VolumeConfig(v0.name(), v0.file(), v0.size(), mode, v0.mirror());
        PrimaryConfig p = new PrimaryConfig(p0.name(), p0.address(), p0.nbdPort(), p0.admin(), p0.stateDir(), List.of(v));
        ClusterConfig unbound = new ClusterConfig(base.file(), base.name(), base.standby(), List.of(p), base.secrets());
        standby = ReplicaServer.start(unbound, ReplicaOptions.defaults().withTransport(net)
                .withHandshakeTimeout(ACK_TIMEOUT));
        cluster = TestCluster.withPort(unbound, standby.boundPort());
        planner = BitmapPlanners.open(p, v, clock);
        MirrorOptions options = MirrorOptions.defaults().withTransport(faults).withClock(clock)
                .withAckTimeout(ACK_TIMEOUT).withReconnect(BACK_OFF, BACK_OFF).withScheduler(timers)
                .withSync(REGION, 2);
        volume = MirroredVolume.wrap(cluster, p, v, FileBlockDevice.open(v.file(), size, p.name() + "/" + v.name()),
                options, planner);
    }

    void awaitInSync() {
        MirrorFixture.awaitState(volume, MirrorState.IN_SYNC, LIMIT);
    }

    /**
     * In sync, then {@code n} writes of {@code length} bytes at regions 0, 4, 8... (seeds 0, 1, 2...), each
     * acknowledged by the standby: the scenario's known-good start.
     */
    void inSyncWithAckedWrites(int n, int length) throws IOException {
        awaitInSync();
        for (int i = 0; i < n; i++) {
            Write w = write(i * 4L * REGION, length, i);
            assertTrue(async || w.ack == Ack.ACKED, "acknowledged: " + w);
        }
        if (async) {
            awaitAcked();
        }
        assertEquals(0, volume.dirtyBytes(), "acknowledged writes leave nothing dirty");
    }

    /**
     * Writes {@code length} bytes (one frame at most) on the calling thread and records it. Sync mode: whether the
     * standby acknowledged it is known when the write returns (its ACK counts before the write is released);
     * async mode: not yet ({@link #awaitAcked}, {@link #assertNoMoreAcks}).
     */
    Write write(long offset, int length, long seed) throws IOException {
        if (length > FrameCodec.MIN_FRAME) {
            throw new IllegalArgumentException("one frame per write keeps the ACK count exact");
        }
        Write w = new Write(offset, data(length, seed), Ack.UNKNOWN);
        writes.add(w);
        long before = volume.writesAcked();
        volume.write(offset, ByteBuffer.wrap(w.data), false);
        if (!async) {
            w.ack = volume.writesAcked() == before + 1 ? Ack.ACKED : Ack.NOT_ACKED;
        }
        return w;
    }

    /** The bytes {@link #write} writes for {@code length} and {@code seed}. */
    static byte[] data(int length, long seed) {
        byte[] data = new byte[length];
        MirrorFixture.pattern(length, seed).get(data);
        return data;
    }

    /** The same on a thread of its own, for a write a fault holds up. */
    CompletableFuture<Write> writeInBackground(long offset, int length, long seed) {
        CompletableFuture<Write> f = new CompletableFuture<>();
        Thread.ofPlatform().name("scenario-writer").start(() -> {
            try {
                f.complete(write(offset, length, seed));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Async mode: waits until the standby acknowledged every write so far. */
    void awaitAcked() {
        long all = writes.size();
        Poll.until(LIMIT, () -> volume.writesAcked() + " of " + all + " writes acknowledged",
                () -> volume.writesAcked() == all);
        writes.forEach(w -> w.ack = Ack.ACKED);
    }

    /** Async mode: no acknowledgement came since {@link #awaitAcked}, so every later write is unacknowledged. */
    void assertNoMoreAcks() {
        long acked = writes.stream().filter(w -> w.ack == Ack.ACKED).count();
        assertEquals(acked, volume.writesAcked(), "acknowledgements since the fault");
        writes.stream().filter(w -> w.ack == Ack.UNKNOWN).forEach(w -> w.ack = Ack.NOT_ACKED);
    }

    /** A cut armed with {@code cutAfter} strikes; then the ACK timeout ends the link ({@link #advanceUntilDegraded}). */
    void awaitCutThenDegrade() {
        Poll.until(LIMIT, "the cut", faults::isCut);
        advanceUntilDegraded();
    }

    /**
     * The link is stalled or cut, so what is in flight stays unacknowledged: moves the primary's clock past its ACK
     * timeout until the watchdog gives the link up.
     */
    void advanceUntilDegraded() {
        Poll.until(LIMIT, () -> "link still up: " + volume.linkSnapshot(), () -> {
            clock.advance(ACK_TIMEOUT.plusMillis(1));
            return volume.state() == MirrorState.DEGRADED;
        });
    }

    /**
     * Reconnects once, instead of after the hour's back-off: waits until that back-off is pending (the link's death
     * schedules it), asks for the reconnect exactly once, then returns when the new link's handshake is done. (Asked
     * twice, a reconnect whose start is already running could be started a second time.) Its resync may confirm what
     * was not acknowledged, so from here those writes are only held to the region rule.
     */
    void reconnect() {
        writes.stream().filter(w -> w.ack == Ack.NOT_ACKED).forEach(w -> w.ack = Ack.UNKNOWN);
        long before = volume.counters().linksEstablished();
        Poll.until(LIMIT, () -> "the reconnect back-off pending: " + volume.linkSnapshot(),
                () -> backOffs.stream().anyMatch(f -> !f.isDone()));
        volume.reconnectNow();
        Poll.until(LIMIT, () -> "a new link: " + volume.linkSnapshot(),
                () -> volume.counters().linksEstablished() > before);
    }

    byte[] replica() throws IOException {
        return Files.readAllBytes(Replica.imagePath(cluster.standby(), "p1", "vol0"));
    }

    byte[] local() throws IOException {
        return Files.readAllBytes(cluster.primaries().get(0).volumes().get(0).file());
    }

    boolean dirty(long offset, long length) {
        DirtyBitmap b = planner.bitmap();
        for (long r = offset / REGION; r <= (offset + length - 1) / REGION; r++) {
            if (!b.isDirty(r)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The link's promise, checked against the files: every acknowledged write is on the replica, every
     * unacknowledged one is dirty (even when the replica happens to hold it: the primary cannot know), and every
     * region where the replica differs from the primary is dirty. The bitmap is read first: a region clean then stays
     * as it is while nothing writes.
     */
    void checkInvariant() throws IOException {
        DirtyBitmap b = planner.bitmap();
        long regions = (size + REGION - 1) / REGION;
        boolean[] dirty = new boolean[(int) regions];
        for (int r = 0; r < regions; r++) {
            dirty[r] = b.isDirty(r);
        }
        byte[] local = local();
        byte[] replica = replica();
        for (Write w : writes) {
            int at = (int) w.offset;
            if (w.ack == Ack.ACKED) {
                assertArrayEquals(w.data, Arrays.copyOfRange(replica, at, at + w.data.length),
                        "the replica holds the acknowledged write of " + w);
            } else if (w.ack == Ack.NOT_ACKED) {
                for (long r = w.offset / REGION; r <= (w.offset + w.data.length - 1) / REGION; r++) {
                    assertTrue(dirty[(int) r], "region " + r + " of the unacknowledged write of " + w + " is dirty");
                }
            }
        }
        for (int r = 0; r < regions; r++) {
            int from = r * REGION;
            int to = (int) Math.min(size, from + REGION);
            if (!dirty[r]) {
                assertEquals(-1, Arrays.mismatch(local, from, to, replica, from, to),
                        "region " + r + " is clean, so the replica must equal the primary there");
            }
        }
    }

    /** At the fault: {@link #checkInvariant}, and exactly {@code regions} regions are dirty. */
    void checkAtTheFault(int regions) throws IOException {
        checkInvariant();
        assertEquals((long) regions * REGION, volume.dirtyBytes(), "dirty bytes: the unacknowledged writes' regions");
    }

    /** After a complete resync: nothing dirty, the replica byte for byte the volume, so it holds every write. */
    void assertIdentical() throws IOException {
        assertEquals(0, volume.dirtyBytes(), "dirty bytes");
        assertEquals(-1, Arrays.mismatch(local(), replica()), "first byte where the replica differs");
        writes.forEach(w -> w.ack = Ack.ACKED);
        checkInvariant();
    }

    @Override
    public void close() throws IOException {
        faults.heal();
        try {
            volume.close();
        } finally {
            timers.shutdownNow();
            standby.close();
        }
    }
}
