package org.understudy.jmx;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The JMX face's one named daemon thread: takes model events and alarm changes from a bounded queue (so publishers
 * never block: when the queue is full the item is dropped, counted and logged), turns them into notifications, and
 * after every batch refreshes the beans from a new snapshot; when no item comes, every {@code refreshMillis} while
 * {@code listened} (a snapshot's changes become notifications only for listeners) and every {@code idleRefreshMillis}
 * otherwise (attribute reads take a snapshot of their own). Thread-safe {@link #offer} and {@link #wake}; everything
 * else runs on the worker thread.
 */
final class FaceWorker implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(FaceWorker.class);
    static final int CAPACITY = 10_000;
    private static final int BATCH = 1_000;
    /** Queued by {@link #wake}: no item of its own, only the refresh that follows every batch. */
    private static final Object WAKE = new Object();

    private final String node;
    private final long refreshMillis;
    private final long idleRefreshMillis;
    private final BooleanSupplier listened;
    private final Consumer<Object> onItem;
    private final Runnable refresh;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    FaceWorker(String node, long refreshMillis, long idleRefreshMillis, BooleanSupplier listened,
               Consumer<Object> onItem, Runnable refresh) {
        this.node = node;
        this.refreshMillis = refreshMillis;
        this.idleRefreshMillis = idleRefreshMillis;
        this.listened = listened;
        this.onItem = onItem;
        this.refresh = refresh;
        this.thread = new Thread(this::loop, "understudy-jmx-" + node);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues an event for the worker; never blocks. */
    void offer(Object item) {
        if (!queue.offer(item)) {
            long n = dropped.incrementAndGet();
            if (Long.bitCount(n) == 1) { // 1, 2, 4, 8...: visible without flooding the log
                LOG.warn("{}: jmx notification queue full ({} items), {} event(s) dropped so far: {}", node, CAPACITY, n,
                        item.getClass().getSimpleName());
            }
        }
    }

    /** Refreshes now and goes on at the listened pace: a first listener has come. Never blocks. */
    void wake() {
        queue.offer(WAKE);
    }

    long dropped() {
        return dropped.get();
    }

    private void loop() {
        while (running) {
            try {
                Object item = queue.poll(listened.getAsBoolean() ? refreshMillis : idleRefreshMillis,
                        TimeUnit.MILLISECONDS);
                for (int i = 0; item != null && i < BATCH; i++) {
                    handle(item);
                    item = queue.poll();
                }
                if (item != null) {
                    handle(item);
                }
                refresh.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("{}: jmx refresh failed, retrying in {} ms: {}", node, refreshMillis, e.toString(), e);
            }
        }
    }

    private void handle(Object item) {
        if (item == WAKE) {
            return;
        }
        try {
            onItem.accept(item);
        } catch (RuntimeException e) {
            LOG.error("{}: jmx notification for {} failed: {}", node, item, e.toString(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
