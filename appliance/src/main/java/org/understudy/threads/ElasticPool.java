package org.understudy.threads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of daemon platform threads for short tasks that arrive now and then: a task goes to an idle thread when one
 * waits, else to a new thread while fewer than the cap run, else waits in line; a thread idle for the keep-alive time
 * ends. So an idle node holds no thread for it, a node asked once every few seconds holds one, and a burst is served
 * by as many threads as it needs up to the cap. (A plain {@link ThreadPoolExecutor} either makes a new thread for
 * every task while under its core size, idle threads or not, or queues every task behind one thread once it has its
 * core size.) Used by the admin API's server.
 */
public final class ElasticPool {
    private ElasticPool() {
    }

    /**
     * A started pool of at most {@code max} threads named {@code name-N}, each ending after {@code keepAliveSeconds}
     * idle. Shut it down with {@link ExecutorService#shutdownNow()} or {@link ExecutorService#shutdown()}.
     */
    public static ExecutorService create(String name, int max, int keepAliveSeconds) {
        if (max < 1 || keepAliveSeconds < 1) {
            throw new IllegalArgumentException("an elastic pool needs max >= 1 and a keep-alive >= 1 s, got "
                    + max + " and " + keepAliveSeconds);
        }
        HandOffQueue queue = new HandOffQueue();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, keepAliveSeconds, TimeUnit.SECONDS, queue, threads,
                (task, executor) -> {
                    if (executor.isShutdown()) {
                        throw new RejectedExecutionException("pool " + name + " is shut down");
                    }
                    queue.line(task); // every thread is busy and there are max of them: the task waits its turn
                });
        queue.pool = pool;
        return pool;
    }

    /**
     * The pool's queue: {@code offer} hands a task straight to a waiting idle thread, and refuses it otherwise while
     * the pool may grow, so that the pool makes a thread for it; at the cap the pool's refusal puts it in line.
     */
    private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        private volatile ThreadPoolExecutor pool;

        @Override
        public boolean offer(Runnable task) {
            if (tryTransfer(task)) {
                return true;
            }
            ThreadPoolExecutor p = pool;
            return p != null && p.getPoolSize() >= p.getMaximumPoolSize() && super.offer(task);
        }

        void line(Runnable task) {
            super.offer(task);
        }
    }
}
