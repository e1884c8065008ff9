package org.understudy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica whose own disk refuses its link's writes (a full standby disk: bench/chaos.sh's full_disk) is told to the
 * standby once per episode, so it can alarm, and the episode ends when a resync completes; a link or a standby going
 * away is no storage fault.
 */
class StorageHealthTest {
    private final List<String> told = new CopyOnWriteArrayList<>();
    private StorageHealth health;

    @BeforeEach
    void setUp() {
        health = new StorageHealth("p1", "vol0");
        health.activity(new LinkActivity() {
            @Override
            public void heard(String primary) {
            }

            @Override
            public void storageFailed(String primary, String volume, String reason) {
                told.add("failed " + primary + "/" + volume + ": " + reason);
            }

            @Override
            public void storageRestored(String primary, String volume) {
                told.add("restored " + primary + "/" + volume);
            }
        });
    }

    @Test
    void diskRefusesWrites_toldOnceUntilAResyncCompletes() {
        IOException full = new IOException("No space left on device");
        assertSame(full, health.failed(full));
        health.failed(new IOException("No space left on device"));
        assertTrue(health.failing());
        assertEquals(List.of("failed p1/vol0: No space left on device"), told);

        health.resyncCompleted();
        assertFalse(health.failing());
        health.resyncCompleted();
        assertEquals(List.of("failed p1/vol0: No space left on device", "restored p1/vol0"), told);

        health.failed(new IOException("Input/output error"));
        assertEquals("failed p1/vol0: Input/output error", told.get(2));
    }

    @Test
    void linkOrStandbyGoingAway_noStorageFault() {
        health.failed(new InterruptedIOException("interrupted while waiting for the replica's writes"));
        health.failed(new ClosedChannelException());
        health.resyncCompleted();
        assertFalse(health.failing());
        assertTrue(told.isEmpty(), told::toString);
    }
}
