package org.understudy.nbd;

import java.util.function.BooleanSupplier;

/**
 * Where a connection's reader starts a WRITE to a device that completes writes later: on its own thread (no hand-off,
 * the reader goes on once the device took the write) or on a pooled thread (the reader goes on at once). A large
 * write that travels to a standby costs its starter a copy into the page cache and a copy onto the link after the
 * reader's copy from the socket; done by the reader, the three never overlap and the connection runs on one core. So
 * a large write of a client that pipelines goes to a pooled thread while the link is up, and the reader takes in the
 * next payload meanwhile. A small one, one at queue depth 1, or one on a volume whose writes stay local (no standby
 * link) stays on the reader: there a hand-off only adds wake-ups and a second core's cache misses on the payload.
 * Measured on a quiet 2-core machine, bench/mirror.sh 6, 3 runs each alternating: pooled, mirrored 1 MiB QD16 went
 * from 931-969 to 1,138-1,241 MiB/s, its p99 from 6.7-8.5x to 3.3-4.7x unmirrored's and the CPU per mirrored GiB from
 * 1.23-1.35 to 1.10-1.15 s, while pooling the unmirrored writes too took their throughput from 3,550-3,570 to
 * 3,335-3,472 MiB/s (README, "Large writes on the NBD reader"). Stateless.
 */
final class WritePlacement {
    /**
     * Writes above this size always go to a pooled thread (property {@code understudy.nbd.inlineWriteMax}, bytes;
     * every size by default).
     */
    static final int INLINE_MAX = Integer.getInteger("understudy.nbd.inlineWriteMax", NbdConstants.MAX_PAYLOAD);
    /**
     * Writes of at least this size go to a pooled thread when the client pipelines (property
     * {@code understudy.nbd.parallelWriteMin}, bytes). At 256 KiB the copy a hand-off lets overlap costs some tens
     * of microseconds, several times the wake-up; a 4 KiB write's copy costs less than the wake-up.
     */
    static final int PARALLEL_MIN = Integer.getInteger("understudy.nbd.parallelWriteMin", 256 << 10);

    private WritePlacement() {
    }

    /**
     * Whether a write of {@code bytes} goes to a pooled thread. Below {@link #INLINE_MAX}, only a write that travels
     * to a standby ({@code travels}) of a client that pipelines: another of its requests is in flight
     * ({@code othersInFlight}), or its header was in the socket before the reader asked for it
     * ({@code headerWasWaiting}: the reader did not wait), or the next request is already there ({@code nextWaiting},
     * asked last since it costs a read).
     */
    static boolean pooled(int bytes, boolean travels, int othersInFlight, boolean headerWasWaiting,
                          BooleanSupplier nextWaiting) {
        if (bytes > INLINE_MAX) {
            return true;
        }
        return travels && bytes >= PARALLEL_MIN
                && (othersInFlight > 0 || headerWasWaiting || nextWaiting.getAsBoolean());
    }
}
