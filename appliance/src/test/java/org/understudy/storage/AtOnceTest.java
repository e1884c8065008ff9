package org.understudy.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per-volume durable writes at once: they overlap, every result in order, a failure undoes what was made. */
class AtOnceTest {

    @Test
    void everyItemAtOnce_resultsInOrder() throws Exception {
        CountDownLatch all = new CountDownLatch(3);
        List<String> out = AtOnce.map(List.of("vol0", "vol1", "vol2"), v -> {
            all.countDown();
            try {
                // each waits for the others: only work that runs at once gets past this
                if (!all.await(5, TimeUnit.SECONDS)) {
                    throw new IOException(v + " ran alone");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return v + " done";
        }, r -> { });
        assertEquals(List.of("vol0 done", "vol1 done", "vol2 done"), out);
    }

    @Test
    void oneFails_everyOtherResultUndone_firstFailureThrown() {
        List<String> undone = Collections.synchronizedList(new ArrayList<>());
        IOException e = assertThrows(IOException.class, () -> AtOnce.map(List.of("vol0", "vol1", "vol2"), v -> {
            if (v.equals("vol1")) {
                throw new IOException("vol1: disk full");
            }
            return v + " bitmap";
        }, undone::add));
        assertEquals("vol1: disk full", e.getMessage());
        assertTrue(undone.containsAll(List.of("vol0 bitmap", "vol2 bitmap")) && undone.size() == 2, undone.toString());
    }
}
