package org.understudy.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Pooled buffers start on a page (64 KiB and more) or a cache line (smaller), have exactly their size class as
 * capacity, and go back to their class: the kernel copies into and out of them at full speed.
 */
class BufferPoolAlignmentTest {
    @Test
    void largeBuffers_startOnAPage() {
        BufferPool pool = new BufferPool();
        for (int size : new int[] {64 << 10, 1 << 20, (1 << 20) + 1, 4 << 20}) {
            ByteBuffer b = pool.acquire(size);
            assertTrue(b.isDirect());
            assertEquals(0, b.alignmentOffset(0, 4096), "a " + size + " byte buffer starts on a page");
            assertEquals(Integer.highestOneBit(size - 1) << 1, b.capacity(), "its size class");
            assertEquals(size, b.limit());
        }
    }

    @Test
    void smallBuffers_startOnACacheLine() {
        BufferPool pool = new BufferPool();
        for (int size : new int[] {1, 4096, 16 << 10, 32 << 10}) {
            ByteBuffer b = pool.acquire(size);
            assertEquals(0, b.alignmentOffset(0, 64), "a " + size + " byte buffer starts on a cache line");
            assertEquals(Math.max(4096, Integer.highestOneBit(Math.max(1, size - 1)) << 1), b.capacity());
        }
    }

    @Test
    void alignedBuffer_isReusedFromItsClass() {
        BufferPool pool = new BufferPool();
        ByteBuffer b = pool.acquire(1 << 20);
        b.put(0, (byte) 7);
        pool.release(b);
        ByteBuffer again = pool.acquire(1000 << 10);
        assertSame(b, again);
        assertEquals(1000 << 10, again.limit());
        assertEquals(0, again.position());
    }
}
