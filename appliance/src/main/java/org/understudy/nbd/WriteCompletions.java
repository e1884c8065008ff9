package org.understudy.nbd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The writes of one connection that a device completed later on a thread of its own (a mirrored volume, on its link's
 * ACK thread): their replies are handed to one pooled thread at a time, which sends them in batches. The completing
 * thread never writes to the client's socket itself, so a client that stops reading its replies cannot hold up the
 * mirror's ACKs for anyone else. Thread-safe.
 */
final class WriteCompletions {
    /** Most replies sent in one batch. */
    static final int MAX_BATCH = 64;

    /** A completed write: its reply, and the payload buffer and permits to give back once the reply is out. */
    record Done(long cookie, int error, ByteBuffer payload, int bytes) {
    }

    private final ConcurrentLinkedQueue<Done> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Executor workers;
    private final Consumer<List<Done>> sender;

    /** @param sender sends one batch of replies and releases what they hold; called by one thread at a time */
    WriteCompletions(Executor workers, Consumer<List<Done>> sender) {
        this.workers = workers;
        this.sender = sender;
    }

    void add(Done d) {
        queue.add(d);
        if (draining.compareAndSet(false, true)) {
            try {
                workers.execute(this::drain);
            } catch (RejectedExecutionException e) {
                drain(); // the server is stopping: send (or fail) here rather than leak the permits
            }
        }
    }

    private void drain() {
        List<Done> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            Done d;
            while ((d = queue.poll()) != null) {
                batch.add(d);
                if (batch.size() == MAX_BATCH) {
                    sender.accept(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                sender.accept(batch);
                batch.clear();
            }
            draining.set(false);
            // one added after our last poll, whose adder saw us still draining, is ours to send
            if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
