package org.understudy.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FreeListTest {

    @Test
    void take_reusesWhatWasGivenBack_lastFirst_andMakesNewOnesOnlyWhenNoneIsIdle() {
        AtomicInteger made = new AtomicInteger();
        FreeList<Object> list = new FreeList<>(4, () -> {
            made.incrementAndGet();
            return new Object();
        });
        Object a = list.take();
        Object b = list.take();
        assertNotSame(a, b);
        assertEquals(2, made.get());
        list.giveBack(a);
        list.giveBack(b);
        assertSame(b, list.take());
        assertSame(a, list.take());
        list.take();
        assertEquals(3, made.get());
    }

    @Test
    void giveBack_keepsAtMostMaxIdle_theRestGoToTheCollector() {
        FreeList<Object> list = new FreeList<>(2, Object::new);
        for (int i = 0; i < 5; i++) {
            list.giveBack(new Object());
        }
        assertEquals(2, list.idle());
    }
}
