package org.understudy.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.e2e.Poll;
import org.understudy.storage.BlockDevice;

@Timeout(60)
class FleetLoadTest {
    /** A device that counts writes and flushes, and fails every write when asked. */
    private static final class Counting implements BlockDevice {
        final AtomicLong writes = new AtomicLong();
        final boolean failing;

        Counting(boolean failing) {
            this.failing = failing;
        }

        @Override
        public long size() {
            return 1 << 20;
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            dst.position(dst.limit());
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
            assertTrue(offset >= 0 && offset + src.remaining() <= size(), "write inside the device");
            assertEquals(0, offset % 4096, "aligned");
            if (failing) {
                throw new IOException("disk on fire");
            }
            writes.incrementAndGet();
        }

        @Override
        public void flush() {
        }

        @Override
        public void trim(long offset, long length, boolean fua) {
        }

        @Override
        public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) {
        }

        @Override
        public String describe() {
            return "counting";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void rateFromTheControlFile_spreadsWritesOverEveryDevice_andCountsErrors(@TempDir Path dir) throws Exception {
        Path control = dir.resolve("load");
        Path totals = dir.resolve("totals.txt");
        Files.writeString(control, "0\n");
        Map<String, BlockDevice> devices = new LinkedHashMap<>();
        Counting a = new Counting(false);
        Counting b = new Counting(false);
        Counting broken = new Counting(true);
        devices.put("p1/vol0", a);
        devices.put("p2/vol0", b);
        devices.put("p3/vol0", broken);
        try (FleetLoad load = new FleetLoad(devices, control, totals)) {
            Thread.sleep(300);
            assertEquals(0, a.writes.get() + b.writes.get(), "rate 0: no writes");
            Files.writeString(control, "300\n");
            Poll.until(Duration.ofSeconds(30), "writes on every device",
                    () -> a.writes.get() >= 20 && b.writes.get() >= 20 && load.errors() >= 20);
        }
        String t = Files.readString(totals);
        assertTrue(t.contains("writes "), t);
        assertTrue(!t.contains("errors 0\n"), "the failing device's writes are counted as errors: " + t);
    }
}
