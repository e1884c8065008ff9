package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The planner's table of writes in flight per region behaves as a map, through growth and back-shifted removals. */
class RegionWritesTest {

    @Test
    void randomRegistrationsAndReleases_matchAMap() {
        RegionWrites t = new RegionWrites();
        Map<Long, Integer> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int step = 0; step < 200_000; step++) {
            // few distinct regions, many collisions; the table grows past its first size and shrinks back to empty
            long region = random.nextLong(step < 100_000 ? 300 : 40) * (random.nextBoolean() ? 1 : 4096);
            int slot = t.find(region);
            Integer count = model.get(region);
            assertEquals(count == null, slot < 0, "region " + region + " at step " + step);
            if (count != null) {
                assertEquals(count, t.count(slot));
                assertEquals(region, t.region(slot));
            }
            if (count == null || random.nextInt(3) > 0 && step < 150_000) {
                if (slot < 0) {
                    slot = t.insert(region);
                }
                t.count(slot, t.count(slot) + 1);
                model.merge(region, 1, Integer::sum);
            } else if (count == 1) {
                t.count(slot, 0);
                t.remove(slot);
                model.remove(region);
            } else {
                t.count(slot, count - 1);
                model.put(region, count - 1);
            }
            assertEquals(model.size(), t.size());
        }
        for (Map.Entry<Long, Integer> e : model.entrySet()) {
            int slot = t.find(e.getKey());
            assertTrue(slot >= 0, "region " + e.getKey() + " lost");
            assertEquals(e.getValue(), t.count(slot));
        }
    }

    @Test
    void staleFlag_belongsToItsRegionAcrossRemovals() {
        RegionWrites t = new RegionWrites();
        for (long r = 0; r < 100; r++) {
            int slot = t.insert(r);
            t.count(slot, 1);
            t.stale(slot, r % 3 == 0);
        }
        for (long r = 0; r < 100; r += 2) {
            int slot = t.find(r);
            t.count(slot, 0);
            t.remove(slot);
        }
        for (long r = 1; r < 100; r += 2) {
            int slot = t.find(r);
            assertTrue(slot >= 0);
            assertEquals(r % 3 == 0, t.stale(slot), "region " + r);
        }
        int fresh = t.insert(1000);
        assertEquals(false, t.stale(fresh));
    }
}
