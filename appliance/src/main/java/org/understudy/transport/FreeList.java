package org.understudy.transport;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Objects of the data path kept for reuse once finished (a write's reply, a link's frame, a write's bookkeeping), so
 * a write allocates none: {@link #take} hands out an idle one or a new one, {@link #giveBack} keeps a finished one
 * unless {@code maxIdle} are kept already (then it goes to the collector). Last in, first out, so the objects in use
 * stay few and warm in the cache. Thread-safe: taken and given back by different threads.
 */
public final class FreeList<T> {
    private final ArrayDeque<T> idle = new ArrayDeque<>();
    private final int maxIdle;
    private final Supplier<T> fresh;

    /** @param fresh makes an object when none is idle */
    public FreeList(int maxIdle, Supplier<T> fresh) {
        this.maxIdle = maxIdle;
        this.fresh = fresh;
    }

    /** An idle object, or a new one. */
    public T take() {
        T t;
        synchronized (idle) {
            t = idle.pollFirst();
        }
        return t != null ? t : fresh.get();
    }

    /** Keeps {@code t}, already reset by its owner, for a later {@link #take}, unless enough are kept. */
    public void giveBack(T t) {
        synchronized (idle) {
            if (idle.size() < maxIdle) {
                idle.addFirst(t);
            }
        }
    }

    /** Objects kept idle now (tests). */
    public int idle() {
        synchronized (idle) {
            return idle.size();
        }
    }
}
