package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/** The SNMP face's tree cache: one rendering per walk, a fresh one after every announced model change. */
class TreeCacheTest {
    private static final OID STATE = new OID("1.3.6.1.4.1.32473.7.1.1.0");
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    /** The "model": a state the renderer reads each time it runs. */
    private final AtomicInteger state = new AtomicInteger(1);
    private final AtomicInteger renders = new AtomicInteger();
    private final TreeCache cache = new TreeCache(this::render, now::get, 1000, 50);

    private MibTree render() {
        renders.incrementAndGet();
        TreeMap<OID, Variable> t = new TreeMap<>();
        t.put(STATE, new Integer32(state.get()));
        return new MibTree(t, Map.of(), Map.of(), Map.of());
    }

    private int served() {
        return ((Integer32) cache.current().get(STATE)).getValue();
    }

    @Test
    void aWalkWithoutModelChangesIsServedFromOneRendering() {
        MibTree first = cache.current();
        for (int i = 0; i < 770; i++) {
            now.addAndGet(1_000_000L);   // 770 requests over 770 ms
            assertSame(first, cache.current());
        }
        assertEquals(1, renders.get());
    }

    @Test
    void everyAnnouncedChangeIsServedAtOnce() {
        assertEquals(1, served());
        for (int v = 2; v < 10; v++) {
            state.set(v);
            cache.changed();
            now.addAndGet(50_000_000L);   // well within the TTL: a cache keyed on time alone would serve the old state
            assertEquals(v, served(), "the state after change " + v);
        }
    }

    @Test
    void aStormOfChangesRendersAtMostOnceEachMinimumAge() {
        cache.current();
        for (int i = 0; i < 1000; i++) {   // an event before each of 1,000 requests over one second
            cache.changed();
            now.addAndGet(1_000_000L);
            cache.current();
        }
        assertEquals(1 + 1000 / 50, renders.get());
    }

    @Test
    void countersMovingWithoutAnEventShowAfterTheTtl() {
        assertEquals(1, served());
        state.set(2);
        now.addAndGet(999_000_000L);
        assertEquals(1, served(), "within the TTL the walk stays on one rendering");
        now.addAndGet(1_000_000L);
        assertEquals(2, served());
    }

    @Test
    void aChangeAnnouncedWhileRenderingRendersAgainOnTheNextRequest() {
        TreeCache racing = new TreeCache(() -> {
            MibTree t = render();
            if (renders.get() == 1) {
                state.set(5);   // the model moved while the first rendering read it
                cacheChanged();
            }
            return t;
        }, now::get, 1000, 50);
        holder[0] = racing;
        assertEquals(1, ((Integer32) racing.current().get(STATE)).getValue());
        now.addAndGet(50_000_000L);
        assertEquals(5, ((Integer32) racing.current().get(STATE)).getValue());
    }

    private final TreeCache[] holder = new TreeCache[1];

    private void cacheChanged() {
        holder[0].changed();
    }
}
