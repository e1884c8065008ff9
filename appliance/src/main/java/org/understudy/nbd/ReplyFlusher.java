package org.understudy.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One thread per server that finishes the replies a client's full socket did not take at once ({@link ReplyQueue}):
 * it watches only the sockets with replies queued, and writes them as the clients read. Idle otherwise. Thread-safe.
 */
final class ReplyFlusher implements Closeable {
    private static final Logger LOG = LogManager.getLogger(ReplyFlusher.class);

    private final Selector selector;
    private final Thread thread;
    /** Queues that became non-empty (watch their socket) or were abandoned (stop watching). */
    private final ConcurrentLinkedQueue<ReplyQueue> changed = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    ReplyFlusher(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
        thread.start();
    }

    /** {@code q} has replies queued: write them as its socket drains. */
    void arm(ReplyQueue q) {
        changed.add(q);
        selector.wakeup();
    }

    /** {@code q}'s connection closed: let go of its socket (a closed channel is released at the next select). */
    void forget(ReplyQueue q) {
        changed.add(q);
        selector.wakeup();
    }

    private void loop() {
        try {
            while (!closed) {
                selector.select(key -> {
                    ReplyQueue q = (ReplyQueue) key.attachment();
                    if (!key.isValid() || q.flush()) {
                        if (key.isValid()) {
                            key.interestOps(0);
                        }
                    }
                });
                ReplyQueue q;
                while ((q = changed.poll()) != null) {
                    watch(q);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("nbd: reply flusher failed; replies to slow clients no longer finish", e);
            }
        }
    }

    /** Watches {@code q}'s socket for room if it has replies queued (after the flush that may just have emptied it). */
    private void watch(ReplyQueue q) {
        SelectionKey key = q.channel().keyFor(selector);
        if (!q.channel().isOpen()) {
            if (key != null) {
                key.cancel();
            }
            return;
        }
        try {
            if (key == null) {
                q.channel().register(selector, SelectionKey.OP_WRITE, q);
            } else {
                key.interestOps(SelectionKey.OP_WRITE);
            }
        } catch (ClosedChannelException | java.nio.channels.CancelledKeyException e) {
            q.abandon();
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(1000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("nbd: closing the reply flusher's selector: {}", e.toString());
        }
    }
}
