package org.understudy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FenceStoreTest {
    @TempDir
    Path dir;

    @Test
    void raise_persists_andSurvivesReopen() throws Exception {
        FenceStore s = FenceStore.open(dir, List.of("p1", "p2"), Clock.systemUTC());
        assertFalse(s.fenced("p1"));
        assertEquals(1, s.raise("p1", "taken over"));
        assertEquals(2, s.raise("p1", "again"));
        FenceStore reopened = FenceStore.open(dir, List.of("p1", "p2"), Clock.systemUTC());
        assertTrue(reopened.fenced("p1"));
        assertEquals(2, reopened.fence("p1").orElseThrow().epoch());
        assertFalse(reopened.fenced("p2"));
    }

    @Test
    void raiseTo_theNextEpoch_persists_anEpochNotAboveTheRecordedOne_refused() throws Exception {
        FenceStore s = FenceStore.open(dir, List.of("p1"), Clock.systemUTC());
        s.raise("p1", "first takeover");
        long next = s.nextEpoch("p1", 0);
        assertEquals(2, next);
        assertEquals(5, s.nextEpoch("p1", 4), "above what the replicas hold");
        assertEquals(2, s.raiseTo("p1", next, "second takeover"));
        assertThrows(java.io.IOException.class, () -> s.raiseTo("p1", next, "the same epoch again"));
        FenceStore reopened = FenceStore.open(dir, List.of("p1"), Clock.systemUTC());
        assertTrue(reopened.fenced("p1"));
        assertEquals(3, reopened.nextEpoch("p1", 0));
    }

    @Test
    void clear_keepsTheEpoch_andIsDurable() throws Exception {
        FenceStore s = FenceStore.open(dir, List.of("p1"), Clock.systemUTC());
        s.raise("p1", "taken over");
        assertEquals(1, s.clear("p1", "operator"));
        FenceStore reopened = FenceStore.open(dir, List.of("p1"), Clock.systemUTC());
        assertFalse(reopened.fenced("p1"));
        assertEquals(1, reopened.fence("p1").orElseThrow().epoch());
        assertEquals(2, reopened.raise("p1", "next takeover"));
    }

    // regression guard: a damaged fence file must never unfence a primary
    @Test
    void damagedFile_countsAsFenced() throws Exception {
        Files.createDirectories(dir.resolve("p1"));
        Files.writeString(dir.resolve("p1").resolve(FenceStore.FILE), "epoch=not-a-number\n");
        FenceStore s = FenceStore.open(dir, List.of("p1"), Clock.systemUTC());
        assertTrue(s.fenced("p1"));
    }
}
