package org.understudy.snapshot;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.understudy.threads.BlockingThreads;

/**
 * One long-lived thread that makes a file durable for callers who meanwhile do something else (a
 * copy-on-write commit forces its journal entry while this thread forces the chunk file): {@link #start} hands over a
 * ticket and returns at once, {@link #await} waits for a force that began after the hand-over and covers it. Requests
 * queued together are served by one force, of the highest ticket among them; each gets that force's outcome, so a
 * failed force fails exactly the requests it was to cover (a later one tries again).
 *
 * <p>The thread starts at the first request and ends after {@link #idleMillis} without one (a standby whose snapshots
 * see no writes keeps no thread for them); it replaces a thread started per commit, whose start, scheduling and
 * join cost the standby more CPU than the force it ran. Thread-safe.
 */
final class ForceThread implements AutoCloseable {
    /** The forcing threads of every store of this JVM: one per core on platform threads, the rest virtual. */
    static final BlockingThreads PLATFORM = new BlockingThreads(Runtime.getRuntime().availableProcessors());

    /** The force itself: makes everything up to the ticket durable (e.g. {@link ChunkFile#forceUpTo}). */
    @FunctionalInterface
    interface Force {
        void upTo(long ticket) throws IOException;
    }

    /** One caller's request: done once a force covering its ticket ended; {@code failure} says how. */
    static final class Request {
        private final long ticket;
        private boolean done;
        private IOException failure;

        private Request(long ticket) {
            this.ticket = ticket;
        }
    }

    private final String name;
    private final Force force;
    private final long idleMillis;
    private final Function<Runnable, Thread> threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition finished = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private Thread thread;
    private boolean closed;
    private long started;

    /**
     * @param threads makes the (not yet started) thread for a runnable; tests count the threads made
     */
    ForceThread(String name, Force force, long idleMillis, Function<Runnable, Thread> threads) {
        this.name = name;
        this.force = force;
        this.idleMillis = idleMillis;
        this.threads = threads;
    }

    /**
     * A thread named {@code name}, ending after {@code idleMillis} idle: a daemon platform thread while fewer than
     * {@link #PLATFORM} stores' forcing threads hold one, else a virtual thread (no platform thread per primary on a
     * standby of many primaries taking snapshots).
     */
    ForceThread(String name, Force force, long idleMillis) {
        this(name, force, idleMillis, r -> PLATFORM.newThread(name, r));
    }

    /** Hands {@code ticket} over to be forced; returns at once. */
    Request start(long ticket) throws IOException {
        Request r = new Request(ticket);
        lock.lock();
        try {
            if (closed) {
                throw new IOException(name + ": closed");
            }
            queue.addLast(r);
            if (thread == null) {
                thread = threads.apply(this::run);
                started++;
                thread.start();
            } else {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
        return r;
    }

    /** Returns once a force covering the request's ticket ended well; throws what it failed with. Not interruptible. */
    void await(Request r) throws IOException {
        boolean interrupted = false;
        lock.lock();
        try {
            while (!r.done) {
                try {
                    finished.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (r.failure != null) {
            throw new IOException(r.failure.getMessage(), r.failure);
        }
    }

    private void run() {
        List<Request> serving = new ArrayList<>();
        while (true) {
            long ticket = 0;
            lock.lock();
            try {
                long idle = TimeUnit.MILLISECONDS.toNanos(idleMillis);
                while (queue.isEmpty() && !closed && idle > 0) {
                    try {
                        idle = work.awaitNanos(idle);
                    } catch (InterruptedException e) {
                        // nobody interrupts this thread on purpose: close() signals, and queued requests are served
                    }
                }
                if (queue.isEmpty()) {
                    thread = null;
                    return;
                }
                while (!queue.isEmpty()) {
                    Request r = queue.pollFirst();
                    ticket = Math.max(ticket, r.ticket);
                    serving.add(r);
                }
            } finally {
                lock.unlock();
            }
            IOException failure = null;
            try {
                force.upTo(ticket);
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new IOException(name + ": force failed: " + e, e);
            }
            lock.lock();
            try {
                for (Request r : serving) {
                    r.failure = failure;
                    r.done = true;
                }
                finished.signalAll();
            } finally {
                lock.unlock();
            }
            serving.clear();
        }
    }

    long threadsStarted() {
        lock.lock();
        try {
            return started;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new requests; the thread serves what is queued and ends. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
