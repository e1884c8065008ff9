package org.understudy.threads;

import java.util.concurrent.Semaphore;

/**
 * Which kind of thread runs a long-lived worker that blocks in the kernel: a platform thread while fewer than
 * {@link #platformLimit} workers of this kind hold one, else a virtual thread. Used for the standby's replication
 * links and for its snapshot stores' forcing threads.
 *
 * <p>A link on a platform thread blocks in its socket read and is woken once per burst of frames; a virtual one parks,
 * is found ready by the JDK's read poller and is scheduled again on a carrier: two or three thread wake-ups per frame
 * instead of one (measured on a 4 KiB write at queue depth 1: 1.6-3.2 wake-ups and 80-90 us of standby CPU per frame
 * on a virtual thread, 0.2-1.0 and 36 us on a platform thread). A virtual thread blocked in {@code fdatasync} pins its
 * carrier, and the scheduler adds a carrier for the time of each such call. The few platform threads serve the first
 * workers, which on a small standby are all of them; a standby of hundreds of volumes or primaries keeps a bounded
 * number of platform threads whatever its size, the rest virtual (no platform thread per volume or per primary). A
 * slot is given back when its worker's thread ends. Thread-safe.
 */
public final class BlockingThreads {
    /** Platform threads by default: two per core, so a standby with a few primaries runs every worker on one. */
    public static final int DEFAULT_PLATFORM = 2 * Runtime.getRuntime().availableProcessors();

    private final int platform;
    private final Semaphore slots;

    /** @param platform how many workers at most run on platform threads at once (0: every worker virtual) */
    public BlockingThreads(int platform) {
        if (platform < 0) {
            throw new IllegalArgumentException("platform threads must be >= 0, got " + platform);
        }
        this.platform = platform;
        this.slots = new Semaphore(platform);
    }

    /**
     * A started-when-asked thread named {@code name} running {@code worker}: a daemon platform thread if a slot is
     * free, else a virtual one; the slot (if any) returns when the thread ends.
     */
    public Thread newThread(String name, Runnable worker) {
        boolean onPlatform = slots.tryAcquire();
        Runnable body = !onPlatform ? worker : () -> {
            try {
                worker.run();
            } finally {
                slots.release();
            }
        };
        Thread.Builder builder = onPlatform ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
        return builder.name(name).unstarted(body);
    }

    /** Platform slots taken now (for the log line of a new worker). */
    public int platformInUse() {
        return platform - slots.availablePermits();
    }

    public int platformLimit() {
        return platform;
    }
}
