package org.understudy.transport;

import java.util.ArrayList;

/**
 * Output a thread holds back while it completes a batch of work, written once when the batch ends. A mirror link's
 * ACK reader completes the dozen client writes one cumulative ACK confirms, and an NBD connection's reader the writes
 * it starts from one read of requests; inside a batch each completion's NBD reply joins the others of its connection,
 * and they leave in one socket write instead of a system call (and a wake-up of the client) each. Only output produced on the thread that opened the batch is held; other threads write at once.
 *
 * <p>A batch is owned by one thread, which opens and closes it; {@link #hold} and {@link #isOpen} look at the calling
 * thread's batch. Reused: a thread keeps its batch object and opens it for every batch, so a batch allocates nothing;
 * {@code try (OutputBatch b = batch.open()) { ... }} closes it however the work ends.
 */
public final class OutputBatch implements AutoCloseable {
    /** Output held back in a batch. */
    @FunctionalInterface
    public interface Held {
        /** Writes what is held now (the batch ends). Handles its own failures: must not throw. */
        void release();
    }

    private static final ThreadLocal<OutputBatch> OPEN = new ThreadLocal<>();
    private final ArrayList<Held> held = new ArrayList<>();
    private boolean open;

    /** Opens this batch on the calling thread: output held from now on is written by {@link #close}. Returns it. */
    public OutputBatch open() {
        if (open || OPEN.get() != null) {
            throw new IllegalStateException("a batch is already open on this thread");
        }
        open = true;
        OPEN.set(this);
        return this;
    }

    /**
     * Ends the batch: every holder registered in it writes what it held, in the order they registered. Call it however
     * the work ends (try-with-resources): output held and never released would never reach its reader.
     */
    @Override
    public void close() {
        OPEN.set(null);
        open = false;
        RuntimeException first = null;
        for (int i = 0; i < held.size(); i++) {
            try {
                held.get(i).release();
            } catch (RuntimeException e) {
                // a holder that breaks its contract must not keep the others' output back: theirs still leaves
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        held.clear();
        if (first != null) {
            throw first;
        }
    }

    /** True when the calling thread has a batch open: output it produces may be held. */
    public static boolean isOpen() {
        return OPEN.get() != null;
    }

    /**
     * Registers {@code h} with the calling thread's batch, to be released when it ends. A holder registers once per
     * batch, when it starts holding; releasing one that holds nothing any more must do nothing.
     *
     * @return false (and nothing registered) when the calling thread has no batch open: write at once
     */
    public static boolean hold(Held h) {
        OutputBatch b = OPEN.get();
        if (b == null) {
            return false;
        }
        b.held.add(h);
        return true;
    }
}
