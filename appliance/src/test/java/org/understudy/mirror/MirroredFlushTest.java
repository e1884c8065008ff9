package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.model.MirrorState;
import org.understudy.storage.FileBlockDevice;
import org.understudy.storage.ForwardingBlockDevice;

/**
 * A client's FLUSH on a mirrored volume: its frame leaves for the standby before the local disk is forced, so the two
 * disks force at the same time; both are done before the flush returns, and a failed local flush still fails it.
 */
class MirroredFlushTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    /**
     * A local disk whose flush, while watched, first waits (bounded) for the mirrored volume to have sent a frame
     * since {@link #watch}: with the FLUSH frame sent only after the local flush, that wait runs out.
     */
    private static final class WatchedFlush extends ForwardingBlockDevice {
        final AtomicReference<MirroredVolume> volume = new AtomicReference<>();
        volatile long framesBefore = -1;
        final AtomicBoolean frameWasOut = new AtomicBoolean();
        volatile IOException failure;

        WatchedFlush(FileBlockDevice inner) {
            super(inner);
        }

        void watch() {
            framesBefore = volume.get().counters().framesSent();
        }

        @Override
        public void flush() throws IOException {
            long before = framesBefore;
            if (before >= 0) {
                long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (volume.get().counters().framesSent() <= before && System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
                frameWasOut.set(volume.get().counters().framesSent() > before);
            }
            if (failure != null) {
                throw failure;
            }
            inner.flush();
        }
    }

    /** p1's vol0 mirrored over {@code disk}, once in sync. */
    private static MirroredVolume inSync(MirrorFixture f, WatchedFlush disk) throws IOException {
        PrimaryConfig p = f.cluster.primaries().get(0);
        MirroredVolume v = MirroredVolume.wrap(f.cluster, p, p.volumes().get(0), disk, MirrorFixture.fastOptions(),
                ResyncPlanner.FULL);
        disk.volume.set(v);
        try {
            MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(20));
        } catch (RuntimeException | Error e) {
            v.close();
            throw e;
        }
        return v;
    }

    private static WatchedFlush disk(MirrorFixture f) throws IOException {
        VolumeConfig vol = f.cluster.primaries().get(0).volumes().get(0);
        return new WatchedFlush(FileBlockDevice.open(vol.file(), vol.size(), "p1/" + vol.name()));
    }

    @Test
    void flush_sendsItsFrameBeforeForcingTheLocalDisk_andReturnsOnceBothAreDone() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            WatchedFlush disk = disk(f);
            try (MirroredVolume v = inSync(f, disk)) {
                ByteBuffer data = MirrorFixture.pattern(64 << 10, 7);
                v.write(MIB, data.duplicate(), false);
                disk.watch();
                assertTrue(v.flushReplicated(), "the standby acknowledges the FLUSH");
                assertTrue(disk.frameWasOut.get(), "the FLUSH frame left before the local disk was forced");
                byte[] expected = new byte[data.remaining()];
                data.duplicate().get(expected);
                byte[] replica = new byte[expected.length];
                System.arraycopy(Files.readAllBytes(f.replicaImage(1, 0)), (int) MIB, replica, 0, replica.length);
                assertArrayEquals(expected, replica, "the write before the FLUSH is on the replica");
            }
        }
    }

    @Test
    void failedLocalFlush_failsTheClientsFlush_andTheLinkCarriesOn() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 4 * MIB)) {
            WatchedFlush disk = disk(f);
            try (MirroredVolume v = inSync(f, disk)) {
                disk.failure = new IOException("injected flush error");
                IOException e = assertThrows(IOException.class, v::flush);
                assertTrue(e.getMessage().contains("injected"), e.toString());
                disk.failure = null;
                v.write(0, MirrorFixture.pattern(4096, 3), false);
                assertTrue(v.flushReplicated(), "the next FLUSH is acknowledged: the link did not die of it");
                f.assertIdentical(1, 0);
            }
        }
    }
}
