package org.understudy.nbd;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.understudy.storage.BlockDevice;

/**
 * Whether a FLUSH that arrives while nothing else of its connection is in flight runs on the reader's own thread, the
 * reader keeping its role until the reply is out, instead of handing the role to a pooled thread first (what every
 * other request at queue depth 1 does, so that a slow one never stalls requests pipelined behind it).
 *
 * <p>A client that waits for every reply (a database's commit loop, fio's {@code --fsync=1}, a guest at low load) sends
 * nothing while its FLUSH runs, so the hand-off buys it nothing, and the thread that takes over reading spins on the
 * other core while the fdatasync waits, where the I/O's completion interrupt then lands. Measured on a quiet 2-core
 * machine, unmirrored 4 KiB QD1 + fsync, {@code bench/paired.sh 5} (IOPS medians): 3,049 (0.93x nbdkit) on the reader
 * against 2,674 (0.81x) with the hand-off, p99 272 against 297 us, the reader ahead in every round, as in four
 * earlier sets of rounds. A reader that only slept while the FLUSH ran elsewhere, woken by the thread that replied,
 * gained nothing: the second thread's work is the cost, not the wake-up. README, "Waiting for the next request".
 *
 * <p>The price is that a request the client sends while the FLUSH runs waits for it. So the FLUSH stays on the reader
 * only when the client shows no sign of pipelining (its header was not already in the socket when the reader asked,
 * and no next request is there), when the connection's last FLUSH took no longer than {@link #INLINE_MAX_NANOS} (on
 * a disk whose flushes take milliseconds a request arriving meanwhile is never held that long), and when the device's
 * writes do not travel to a standby: a mirrored FLUSH waits for the standby's acknowledgement, which a stalled link
 * holds back until the link is given up, and measured mirrored the FLUSH on the reader gained nothing (1,503 against
 * 1,477 IOPS, 8 rounds). One per connection: it times the connection's flushes ({@link #flush}).
 */
final class FlushPlacement {
    /**
     * A FLUSH stays on the reader only while the connection's last one took at most this long (property
     * {@code understudy.nbd.inlineFlushMaxMicros}, microseconds; 0 hands every FLUSH over as before; default 1,000).
     */
    static final long INLINE_MAX_NANOS = Long.getLong("understudy.nbd.inlineFlushMaxMicros", 1000) * 1000;

    /** How long the connection's last FLUSH took, in nanoseconds; 0 before the first. */
    private volatile long lastNanos;

    /**
     * Whether the FLUSH runs on the reader: {@code travels} (the device's writes go to a standby too), then
     * {@code headerWasWaiting} (its header was in the socket before the reader asked) and {@code nextWaiting} (another
     * request is already there; asked last since it costs a read), which say the client pipelines.
     */
    boolean onReader(boolean travels, boolean headerWasWaiting, BooleanSupplier nextWaiting) {
        return INLINE_MAX_NANOS > 0 && !travels && lastNanos <= INLINE_MAX_NANOS && !headerWasWaiting
                && !nextWaiting.getAsBoolean();
    }

    /** Flushes {@code device}, noting how long it took, a failed flush too. */
    void flush(BlockDevice device) throws IOException {
        long t0 = System.nanoTime();
        try {
            device.flush();
        } finally {
            lastNanos = System.nanoTime() - t0;
        }
    }
}
