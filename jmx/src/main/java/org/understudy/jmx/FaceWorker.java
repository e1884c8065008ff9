package org.understudy.jmx;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The JMX face's one named daemon thread: takes model events and alarm changes from a bounded queue (so publishers
 * never block: when the queue is full the item is dropped, counted and logged), turns them into notifications, and
 * after every batch, or every {@code refreshMillis} when idle, refreshes the beans from a new snapshot. Thread-safe
 * {@link #offer}; everything else runs on the worker thread.
 */
final class FaceWorker implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(FaceWorker.class);
    static final int CAPACITY = 10_000;
    private static final int BATCH = 1_000;

    private final String node;
    private final long refreshMillis;
    private final Consumer<Object> onItem;
    private final Runnable refresh;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    FaceWorker(String node, long refreshMillis, Consumer<Object> onItem, Runnable refresh) {
        this.node = node;
        this.refreshMillis = refreshMillis;
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

    long dropped() {
        return dropped.get();
    }

    private void loop() {
        while (running) {
            try {
                Object item = queue.poll(refreshMillis, TimeUnit.MILLISECONDS);
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
