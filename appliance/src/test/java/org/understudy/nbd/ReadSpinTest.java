package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadSpinTest {
    @Test
    void parse_takesTheDefaultWhenUnset_andAnyValueFromZeroToTheMaximum() {
        assertEquals(ReadSpin.DEFAULT_MICROS, ReadSpin.parse(null));
        assertEquals(ReadSpin.DEFAULT_MICROS, ReadSpin.parse(" "));
        assertEquals(0, ReadSpin.parse("0"));
        assertEquals(120, ReadSpin.parse(" 120 "));
        assertEquals(ReadSpin.MAX_MICROS, ReadSpin.parse(Long.toString(ReadSpin.MAX_MICROS)));
    }

    @Test
    void parse_fallsBackToTheDefault_onAnythingElse() {
        assertEquals(ReadSpin.DEFAULT_MICROS, ReadSpin.parse("-1"));
        assertEquals(ReadSpin.DEFAULT_MICROS, ReadSpin.parse("1001"));
        assertEquals(ReadSpin.DEFAULT_MICROS, ReadSpin.parse("50us"));
        assertEquals(ReadSpin.DEFAULT_MICROS, ReadSpin.parse("99999999999999999999"));
    }

    @Test
    void nanosFor_spinsAtQueueDepthOne_only() {
        assertEquals(ReadSpin.NANOS, ReadSpin.nanosFor(0), "nothing in flight: the next request follows our reply");
        assertEquals(ReadSpin.NANOS, ReadSpin.nanosFor(1), "one write waiting for the standby: queue depth 1 still");
        assertEquals(0, ReadSpin.nanosFor(2), "a client that pipelines sends more when replies reach it");
        assertEquals(0, ReadSpin.nanosFor(16));
    }

    @Test
    void read_givesUpAfterTheBound_whenNothingComes() throws IOException {
        Pipe p = Pipe.open();
        try (Pipe.SourceChannel in = p.source(); Pipe.SinkChannel out = p.sink()) {
            in.configureBlocking(false);
            ByteBuffer dst = ByteBuffer.allocate(16);
            long t0 = System.nanoTime();
            assertEquals(0, ReadSpin.read(in, dst, TimeUnit.MICROSECONDS.toNanos(200)));
            long took = System.nanoTime() - t0;
            assertTrue(took >= TimeUnit.MICROSECONDS.toNanos(200), "spun only " + took + " ns");
            assertEquals(0, ReadSpin.read(in, dst, 0), "a bound of 0 does not read at all");
            assertEquals(0, dst.position());
        }
    }

    @Test
    void read_returnsWhatArrivesWhileSpinning_andTheEndOfTheStream() throws Exception {
        Pipe p = Pipe.open();
        try (Pipe.SourceChannel in = p.source(); Pipe.SinkChannel out = p.sink()) {
            in.configureBlocking(false);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(20);
                    out.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                    out.close();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteBuffer dst = ByteBuffer.allocate(16);
            int n = ReadSpin.read(in, dst, TimeUnit.SECONDS.toNanos(10));
            assertEquals(3, n, "the bytes written 20 ms into a 10 s spin");
            writer.join();
            assertEquals(-1, ReadSpin.read(in, dst, TimeUnit.SECONDS.toNanos(10)), "the end of the stream ends a spin");
        }
    }
}
