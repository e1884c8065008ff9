package org.understudy.replica;

import java.util.concurrent.Semaphore;

/**
 * Which kind of thread runs a replication link on the standby: a platform thread while fewer than {@link #platform}
 * links hold one, else a virtual thread. A link on a platform thread blocks in its socket read and is woken once per
 * burst of frames; a virtual one parks, is found ready by the JDK's read poller and is scheduled again on a carrier:
 * two or three thread wake-ups per frame instead of one (measured on a 4 KiB write at queue depth 1: 1.6-3.2 wake-ups
 * and 80-90 us of standby CPU per frame on a virtual thread, 0.2-1.0 and 36 us on a platform thread). The few
 * platform threads serve the first links, which on a small standby are all of them; a standby of hundreds of links
 * keeps a bounded number of platform threads whatever its size, the rest virtual (no platform thread per volume).
 * A slot is given back when its link's thread ends. Thread-safe.
 */
final class LinkThreads {
    /** Platform threads by default: two per core, so a standby with a few primaries runs every link on one. */
    static final int DEFAULT_PLATFORM = 2 * Runtime.getRuntime().availableProcessors();

    private final int platform;
    private final Semaphore slots;

    /** @param platform how many links at most run on platform threads at once (0: every link virtual) */
    LinkThreads(int platform) {
        if (platform < 0) {
            throw new IllegalArgumentException("platform link threads must be >= 0, got " + platform);
        }
        this.platform = platform;
        this.slots = new Semaphore(platform);
    }

    /** A started-when-asked thread named {@code name} running {@code link}; its slot (if any) returns when it ends. */
    Thread newThread(String name, Runnable link) {
        boolean onPlatform = slots.tryAcquire();
        Runnable body = !onPlatform ? link : () -> {
            try {
                link.run();
            } finally {
                slots.release();
            }
        };
        Thread.Builder builder = onPlatform ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
        return builder.name(name).unstarted(body);
    }

    /** Platform slots taken now (for the log line of a new link). */
    int platformInUse() {
        return platform - slots.availablePermits();
    }

    int platformLimit() {
        return platform;
    }
}
