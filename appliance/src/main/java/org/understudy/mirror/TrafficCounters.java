package org.understudy.mirror;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of one mirrored volume, shared by its successive links and syncs. Thread-safe (atomics). */
final class TrafficCounters {
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong payloadBytesSent = new AtomicLong();
    final AtomicLong bytesAcked = new AtomicLong();
    final AtomicLong writesAcked = new AtomicLong();
    final AtomicLong syncCopied = new AtomicLong();
    final AtomicLong syncZeroed = new AtomicLong();
    final AtomicLong syncSkipped = new AtomicLong();
    final AtomicLong syncsCompleted = new AtomicLong();
    final AtomicLong linksEstablished = new AtomicLong();

    MirrorCounters snapshot() {
        return new MirrorCounters(framesSent.get(), payloadBytesSent.get(), syncCopied.get(), syncZeroed.get(),
                syncSkipped.get(), syncsCompleted.get(), linksEstablished.get());
    }
}
