package org.understudy.snmp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps the last {@link MibTree} per model version, so the many requests of one walk read one snapshot (consistent,
 * and cheap: at 100 primaries a walk is some 770 GETBULKs over 7,600 objects, and rendering the tree for them is
 * what costs). A tree is rendered again when the model announced a change ({@link #changed()}: every model event and
 * alarm change, so states, alarms and the last failover show within the minimum age) or when it is older than the
 * TTL (counters and ages, which move without an event). Thread-safe; concurrent misses may both render, which is harmless.
 */
final class TreeCache {
    private final Supplier<MibTree> render;
    private final LongSupplier nanos;
    private final long ttlNanos;
    private final long minAgeNanos;
    private final AtomicLong version = new AtomicLong();
    private volatile Entry entry;

    private record Entry(MibTree tree, long at, long version) {
    }

    /**
     * @param render builds a fresh tree from the model
     * @param nanos  monotonic clock
     * @param ttlMs  how long a tree is served while the model announces no change
     * @param minAgeMs how old a tree must be before a change renders it anew: during a storm of events (a takeover
     *                 while 99 primaries replicate) a walk must not render once per request
     */
    TreeCache(Supplier<MibTree> render, LongSupplier nanos, long ttlMs, long minAgeMs) {
        this.render = render;
        this.nanos = nanos;
        this.ttlNanos = ttlMs * 1_000_000L;
        this.minAgeNanos = minAgeMs * 1_000_000L;
    }

    MibTree current() {
        Entry e = entry;
        long now = nanos.getAsLong();
        long v = version.get();
        if (e == null || now - e.at >= ttlNanos || (e.version != v && now - e.at >= minAgeNanos)) {
            // the version is read before rendering: a change announced meanwhile makes the next request render again
            e = new Entry(render.get(), now, v);
            entry = e;
        }
        return e.tree;
    }

    /** The model changed (an event, an alarm): the next request renders a fresh tree. Cheap; any thread. */
    void changed() {
        version.incrementAndGet();
    }

    /** Forgets the cached tree (after a SET, so the manager reads its own write). */
    void invalidate() {
        entry = null;
    }
}
