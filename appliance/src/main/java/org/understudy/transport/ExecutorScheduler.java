package org.understudy.transport;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The production {@link Scheduler}: one named platform thread. A task that throws is logged and, if periodic, keeps
 * running (a dead housekeeping thread would silently stop failure detection). Thread-safe.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ExecutorScheduler.class);
    private final ScheduledExecutorService executor;
    private final Map<Long, Tick> ticks = new HashMap<>();

    public ExecutorScheduler(String threadName) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> f = executor.schedule(guard(task), delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /**
     * Tasks of the same period share one fixed-rate tick that runs them one after another, so they cost the thread
     * one wake-up per period: a primary's heartbeats, failure detector and link ticks (250 ms by default) wake it 4
     * times a second instead of 12. A task added to a running tick first runs at its next tick, within one period.
     */
    @Override
    public Cancellable scheduleAtFixedRate(Runnable task, long periodNanos) {
        Runnable guarded = guard(task);
        synchronized (ticks) {
            Tick tick = ticks.get(periodNanos);
            if (tick == null) {
                Tick created = new Tick();
                created.future = executor.scheduleAtFixedRate(created, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
                ticks.put(periodNanos, created);
                tick = created;
            }
            tick.tasks.add(guarded);
        }
        return () -> {
            synchronized (ticks) {
                Tick tick = ticks.get(periodNanos);
                if (tick != null && tick.tasks.remove(guarded) && tick.tasks.isEmpty()) {
                    tick.future.cancel(false);
                    ticks.remove(periodNanos);
                }
            }
        };
    }

    /** The tasks of one period, run in the order they were added. */
    private static final class Tick implements Runnable {
        private final List<Runnable> tasks = new CopyOnWriteArrayList<>();
        private ScheduledFuture<?> future;

        @Override
        public void run() {
            tasks.forEach(Runnable::run);
        }
    }

    private static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("scheduler: task {} failed; it stays scheduled", task, e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
