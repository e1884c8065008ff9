package org.understudy.snmp;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps the last {@link MibTree} for a short while, so the many requests of one walk read one snapshot (consistent,
 * and cheap: the model is asked once per burst, not once per GETNEXT). Thread-safe; concurrent misses may both render,
 * which is harmless.
 */
final class TreeCache {
    private final Supplier<MibTree> render;
    private final LongSupplier nanos;
    private final long ttlNanos;
    private volatile Entry entry;

    private record Entry(MibTree tree, long at) {
    }

    /**
     * @param render builds a fresh tree from the model
     * @param nanos  monotonic clock
     * @param ttlMs  how long a tree is served
     */
    TreeCache(Supplier<MibTree> render, LongSupplier nanos, long ttlMs) {
        this.render = render;
        this.nanos = nanos;
        this.ttlNanos = ttlMs * 1_000_000L;
    }

    MibTree current() {
        Entry e = entry;
        long now = nanos.getAsLong();
        if (e == null || now - e.at >= ttlNanos) {
            e = new Entry(render.get(), now);
            entry = e;
        }
        return e.tree;
    }

    /** Forgets the cached tree (after a SET, so the manager reads its own write). */
    void invalidate() {
        entry = null;
    }
}
