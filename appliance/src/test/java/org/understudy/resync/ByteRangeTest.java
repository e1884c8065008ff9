package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    private static ByteRange r(long offset, long length) {
        return new ByteRange(offset, length);
    }

    @Test
    void union_sortsAndMergesOverlappingAndTouchingRanges() {
        assertEquals(List.of(r(0, 30), r(40, 10)),
                ByteRange.union(List.of(r(40, 10), r(0, 10)), List.of(r(5, 10), r(10, 20))));
        assertEquals(List.of(), ByteRange.union(List.of(), List.of()));
    }

    @Test
    void badRanges_refused() {
        assertThrows(IllegalArgumentException.class, () -> r(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> r(0, 0));
    }

    @Test
    void coarsen_boundsTheCount_andNeverDropsAByte() {
        SplittableRandom rnd = new SplittableRandom(11);
        List<ByteRange> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add(r(rnd.nextLong(1L << 30) & ~4095, 4096));
        }
        List<ByteRange> exact = ByteRange.union(many);
        List<ByteRange> few = ByteRange.coarsen(many, 100);
        assertTrue(few.size() <= 100, few.size() + " ranges");
        for (ByteRange x : exact) {
            assertTrue(few.stream().anyMatch(c -> c.offset() <= x.offset() && x.end() <= c.end()), x + " dropped");
        }
        assertEquals(exact, ByteRange.coarsen(many, exact.size()), "already within the bound: unchanged");
    }
}
