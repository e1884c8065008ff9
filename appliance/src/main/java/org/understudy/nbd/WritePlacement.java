package org.understudy.nbd;

/**
 * Where a connection's reader starts a WRITE to a device that completes writes later: on its own thread (no hand-off,
 * the reader goes on once the device took the write) or on a pooled thread (the reader goes on at once). A large
 * write's local half on a volume with no standby is a copy into the page cache as long as the copy from the socket
 * before it; done by the reader, the two never overlap and the whole connection runs on one core. So a large write of
 * a client that pipelines goes to a pooled thread, while the reader takes in the next payload, as a pool of threads
 * each reading then writing would; a small one, or one at queue depth 1, stays on the reader, where a hand-off would
 * only add a wake-up. Stateless.
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
     * Whether a write of {@code bytes} goes to a pooled thread. The client pipelines when another of its requests is
     * in flight ({@code othersInFlight}), or its header was in the socket before the reader asked for it
     * ({@code headerWasWaiting}: the reader did not wait), or the next request is already there ({@code nextWaiting},
     * asked last since it costs a read).
     */
    static boolean pooled(int bytes, int othersInFlight, boolean headerWasWaiting, java.util.function.BooleanSupplier nextWaiting) {
        if (bytes > INLINE_MAX) {
            return true;
        }
        return bytes >= PARALLEL_MIN && (othersInFlight > 0 || headerWasWaiting || nextWaiting.getAsBoolean());
    }
}
