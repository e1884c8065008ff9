package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.storage.FileBlockDevice;

class ServedDeviceTest {
    @TempDir
    Path dir;

    @Test
    void awaitIdle_waitsForRequestsInFlight() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FileBlockDevice dev = FileBlockDevice.open(dir.resolve("v.img"), 1 << 20, "v")) {
            ServedDevice d = ServedDevice.counting(new SlowDevice(dev, entered, release));
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    d.write(0, ByteBuffer.allocate(512), false);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            entered.await();
            assertFalse(d.awaitIdle(50), "a write is still in flight");
            release.countDown();
            assertTrue(d.awaitIdle(5000));
            writer.join();
            assertEquals(0, d.inFlight());
        }
    }

    /** A device whose writes wait for the test's word. */
    private record SlowDevice(FileBlockDevice inner, CountDownLatch entered, CountDownLatch release)
            implements org.understudy.storage.BlockDevice {
        public long size() {
            return inner.size();
        }

        public void read(long offset, ByteBuffer dst) throws java.io.IOException {
            inner.read(offset, dst);
        }

        public void write(long offset, ByteBuffer src, boolean fua) throws java.io.IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new java.io.IOException(e);
            }
            inner.write(offset, src, fua);
        }

        public void flush() throws java.io.IOException {
            inner.flush();
        }

        public void trim(long offset, long length, boolean fua) throws java.io.IOException {
            inner.trim(offset, length, fua);
        }

        public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws java.io.IOException {
            inner.writeZeroes(offset, length, fua, mayTrim);
        }

        public String describe() {
            return "slow";
        }

        public void close() {
        }
    }
}
