package org.understudy.mirror;

import org.understudy.e2e.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.Endpoint;
import org.understudy.config.MirrorMode;
import org.understudy.config.MirrorSettings;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.e2e.FaultProxy;
import org.understudy.model.MirrorState;
import org.understudy.resync.Throttles;
import org.understudy.testing.MemoryDir;

/** Async mode's bounded backlog through a fault proxy, and run-time bandwidth caps, in process. */
class AsyncAndThrottleTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;
    @RegisterExtension
    final MemoryDir memory = new MemoryDir();

    private static PrimaryConfig withVolume(PrimaryConfig p, VolumeConfig v) {
        return new PrimaryConfig(p.name(), p.address(), p.nbdPort(), p.admin(), p.stateDir(), List.of(v));
    }

    /** Writers hammering the volume until stopped; the first failure is kept. */
    private static final class Writers implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicLong bytes = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();

        Writers(MirroredVolume v, int count, int size, long span) {
            for (int t = 0; t < count; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    long i = 0;
                    while (!stop.get()) {
                        long off = ((i++ * 7919 + id * 104729L) * size) % (span - size);
                        off -= off % 4096;
                        try {
                            v.write(off, MirrorFixture.pattern(size, i + id * 1_000_000L), false);
                            bytes.addAndGet(size);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            return;
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @Test
    void async_linkBlackholedThenCut_backlogNeverPassesItsBound_writesNeverFail_resyncMakesIdentical() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 32 * MIB);
             FaultProxy proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", f.port))) {
            PrimaryConfig p = f.cluster.primaries().get(0);
            VolumeConfig base = p.volumes().get(0);
            long hard = 4 * MIB;
            VolumeConfig av = new VolumeConfig(base.name(), base.file(), base.size(), MirrorMode.ASYNC,
                    MirrorSettings.DEFAULTS.withAsync(2 * MIB, hard));
            MirrorOptions o = MirrorFixture.fastOptions().withStandby(new Endpoint("127.0.0.1", proxy.port()))
                    .withAckTimeout(Duration.ofSeconds(1));
            try (MirroredVolume v = MirroredVolume.open(f.cluster, withVolume(p, av), av, o, MirrorContext.standalone())) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                Writers w = new Writers(v, 4, 64 * 1024, 32 * MIB);
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 500_000_000L) {
                    assertTrue(v.snapshot().backlogBytes() <= hard);
                    Thread.onSpinWait();
                }
                proxy.blackhole(true);
                Poll.until(Duration.ofSeconds(15),
                        () -> "the full backlog stops shipping: " + v.snapshot(), () -> v.state() == MirrorState.DEGRADED);
                proxy.cut();
                proxy.blackhole(false);
                long written = w.bytes.get();
                Poll.until(Duration.ofSeconds(10),
                        () -> "writes go on while the link is down", () -> w.bytes.get() > written + 8 * MIB);
                proxy.heal();
                Poll.until(Duration.ofSeconds(20), () -> "link back: " + v.snapshot(), () -> v.state() == MirrorState.SYNCING
                        || v.state() == MirrorState.IN_SYNC);
                w.close();
                assertEquals(null, w.failure.get(), "a client write failed");
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(30));
                Poll.until(Duration.ofSeconds(10), () -> "backlog drained: " + v.snapshot(), () -> v.snapshot().backlogBytes() == 0
                        && v.dirtyBytes() == 0);
                assertTrue(v.backlogPeak() <= hard, "backlog peak " + v.backlogPeak() + " > " + hard);
                assertTrue(v.backlogPeak() > 0);
                f.assertIdentical(1, 0);
            }
        }
    }

    @Test
    void throttle_capHeld_andARunTimeChangeTakesEffectWithinASecond() throws Exception {
        // the cap, not the disk: on tmpfs where the machine has one (see MemoryDir)
        try (MirrorFixture f = new MirrorFixture(memory.path(), 1, 64 * MIB)) {
            Throttles throttles = Throttles.unlimited();
            PrimaryConfig p = f.cluster.primaries().get(0);
            try (MirroredVolume v = MirroredVolume.open(f.cluster, p, p.volumes().get(0), MirrorFixture.fastOptions(),
                    new MirrorContext(throttles, null))) {
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
                long cap = 8_000_000;
                throttles.mirroring().setLinkRate("p1", cap);
                try (Writers w = new Writers(v, 4, 64 * 1024, 64 * MIB)) {
                    long b0 = w.bytes.get();
                    long t0 = System.nanoTime();
                    Poll.until(Duration.ofSeconds(10), () -> "", () -> System.nanoTime() - t0 > 3_000_000_000L);
                    double rate = (w.bytes.get() - b0) / ((System.nanoTime() - t0) / 1e9);
                    assertTrue(Math.abs(rate - cap) <= cap * 0.10, "rate " + rate + " vs cap " + cap);
                    throttles.mirroring().setLinkRate("p1", 2 * cap);
                    long t1 = System.nanoTime();
                    Poll.until(Duration.ofSeconds(10), () -> "", () -> System.nanoTime() - t1 > 1_000_000_000L);
                    long b1 = w.bytes.get();
                    long t2 = System.nanoTime();
                    Poll.until(Duration.ofSeconds(10), () -> "", () -> System.nanoTime() - t2 > 1_500_000_000L);
                    double after = (w.bytes.get() - b1) / ((System.nanoTime() - t2) / 1e9);
                    assertTrue(Math.abs(after - 2 * cap) <= 2 * cap * 0.15, "rate a second after the change " + after);
                    assertEquals(null, w.failure.get());
                }
            }
        }
    }
}
