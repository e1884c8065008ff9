package org.understudy.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HeldWritesTest {
    private static final int CHUNK = 4096;

    @Test
    void linkBatch_holdsACopy_soTheFramesBufferMayBeReusedBeforeTheCommit() {
        HeldWrites h = new HeldWrites(CHUNK, true);
        ByteBuffer frame = ByteBuffer.allocateDirect(CHUNK);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 32; i++) {
                fill(frame, (byte) (i + 1));
                h.add((long) i * CHUNK, CHUNK, frame);
                assertFalse(frame.hasRemaining(), "the payload counts as consumed");
                fill(frame, (byte) -1); // the next frame's bytes land in the same buffer
            }
            assertEquals(32, h.writes().size());
            for (int i = 0; i < 32; i++) {
                HeldWrites.Held w = h.writes().get(i);
                assertEquals((long) i * CHUNK, w.offset());
                assertEquals(CHUNK, w.data().remaining());
                assertTrue(w.data().isDirect(), "written to the image without another copy");
                byte[] b = new byte[CHUNK];
                w.data().duplicate().get(b);
                byte[] want = new byte[CHUNK];
                Arrays.fill(want, (byte) (i + 1));
                assertTrue(Arrays.equals(want, b), "write " + i + " of round " + round + " kept its own bytes");
            }
            h.clear();
        }
        assertEquals(0, h.ownBuffers(), "three commits of 32 writes of 4 KiB reuse one buffer");
    }

    @Test
    void linkBatch_aPayloadPastTheKeptBuffer_getsABufferOfItsOwn_andKeepsItsBytes() {
        HeldWrites h = new HeldWrites(CHUNK, true);
        ByteBuffer big = ByteBuffer.allocate(HeldWrites.KEPT_BYTES - CHUNK);
        Arrays.fill(big.array(), (byte) 5);
        h.add(0, big.remaining(), big);
        ByteBuffer next = ByteBuffer.allocate(2 * CHUNK);
        Arrays.fill(next.array(), (byte) 6);
        h.add(1L << 20, next.remaining(), next);
        Arrays.fill(next.array(), (byte) 0);
        assertEquals(1, h.ownBuffers());
        assertEquals(6, h.writes().get(1).data().get(0));
        assertEquals(5, h.writes().get(0).data().get(HeldWrites.KEPT_BYTES - CHUNK - 1));
    }

    @Test
    void singleWrite_holdsAViewOfTheCallersBuffer_noCopy() {
        HeldWrites h = new HeldWrites(CHUNK, false);
        ByteBuffer src = ByteBuffer.allocate(3 * CHUNK);
        src.position(CHUNK);
        h.add(0, 2 * CHUNK, src);
        ByteBuffer held = h.writes().getFirst().data();
        assertEquals(2 * CHUNK, held.remaining());
        src.put(CHUNK, (byte) 42);
        assertEquals(42, held.get(held.position()), "a view of the caller's bytes");
        assertEquals(0, h.ownBuffers());
    }

    @Test
    void chunksTouched_byHeldWritesAndStagedPreservations_untilCleared() {
        HeldWrites h = new HeldWrites(CHUNK, true);
        h.add(CHUNK + 100, 2 * CHUNK, null); // zeros over chunks 1..3
        h.holdChunk(10);
        assertNull(h.writes().getFirst().data());
        assertEquals(2L * CHUNK, h.bytes());
        assertTrue(h.touches(3L * CHUNK + 99, 1));
        assertTrue(h.touches(10L * CHUNK, CHUNK));
        assertTrue(h.touches(0, CHUNK + 1));
        assertFalse(h.touches(0, CHUNK));
        assertFalse(h.touches(4L * CHUNK, 6L * CHUNK));
        h.clear();
        assertTrue(h.isEmpty());
        assertEquals(0, h.bytes());
        assertFalse(h.touches(CHUNK, CHUNK));
        assertFalse(h.touches(10L * CHUNK, CHUNK));
    }

    private static void fill(ByteBuffer b, byte v) {
        b.clear();
        while (b.hasRemaining()) {
            b.put(v);
        }
        b.flip();
    }
}
