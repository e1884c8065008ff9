package org.understudy.transport;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} driven by a test over a {@link FakeClock}: {@link #advance} moves time forward task by task,
 * running each task at its due time. {@link #jump} moves the clock without running anything, as a paused process
 * would see it; the next {@link #advance} then runs each overdue periodic task once (no catch-up burst).
 * Time moves on one thread (the test's); tasks may be scheduled and cancelled from any thread (a link's threads time
 * their faults here), and run on the thread that moves time, outside the scheduler's lock.
 */
public final class ManualScheduler implements Scheduler {
    private final FakeClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long order;

    private final class Task implements Comparable<Task>, Cancellable {
        final Runnable action;
        final long period;
        final long seq = order++;
        long due;
        boolean cancelled;

        Task(Runnable action, long due, long period) {
            this.action = action;
            this.due = due;
            this.period = period;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
                queue.remove(this);
            }
        }
    }

    public ManualScheduler(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Task t = new Task(task, clock.getAsLong() + delayNanos, 0);
        queue.add(t);
        return t;
    }

    @Override
    public synchronized Cancellable scheduleAtFixedRate(Runnable task, long periodNanos) {
        Task t = new Task(task, clock.getAsLong() + periodNanos, periodNanos);
        queue.add(t);
        return t;
    }

    /** Moves time forward by {@code d}, running every task that falls due, in order, at its due time. */
    public void advance(Duration d) {
        long end = clock.getAsLong() + d.toNanos();
        while (true) {
            Task t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.due > end) {
                    break;
                }
                queue.poll();
                if (t.due > clock.getAsLong()) {
                    clock.set(t.due);
                }
            }
            t.action.run();
            synchronized (this) {
                if (t.period > 0 && !t.cancelled) {
                    t.due = Math.max(t.due + t.period, clock.getAsLong() + 1);
                    if (t.due <= clock.getAsLong()) {
                        t.due = clock.getAsLong() + t.period;
                    }
                    queue.add(t);
                }
            }
        }
        if (clock.getAsLong() < end) {
            clock.set(end);
        }
    }

    /** Tasks waiting to run (a test polls for a task another thread schedules). */
    public synchronized int pending() {
        return queue.size();
    }

    /** Moves the clock by {@code d} without running anything, then lets each overdue periodic task run once. */
    public synchronized void jump(Duration d) {
        clock.advance(d);
        long now = clock.getAsLong();
        PriorityQueue<Task> copy = new PriorityQueue<>(queue);
        queue.clear();
        for (Task t : copy) {
            if (t.period > 0 && t.due < now) {
                t.due = now;
            }
            queue.add(t);
        }
    }
}
