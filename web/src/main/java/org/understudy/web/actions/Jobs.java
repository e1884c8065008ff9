package org.understudy.web.actions;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.PrimarySnapshot;

/**
 * Actions started from the console. Each runs through the command API on a thread of its own (a switchover or a
 * failback takes as long as it takes; the request that started it answers at once), its steps are read from the
 * model ({@link PrimarySnapshot#running()} while it runs; once it ended, the primary's last sequence, which holds
 * its whole timeline — a failback's too, which never becomes the last failover), and the last
 * {@link #KEPT} are kept for the pages. {@code onChange} is told after every change, so live pages follow.
 * Thread-safe.
 */
public final class Jobs {
    private static final Logger LOG = LogManager.getLogger(Jobs.class);
    static final int KEPT = 20;

    private final CommandApi commands;
    private final ExecutorService runner;
    private final InstantSource wall;
    private final Runnable onChange;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Job> jobs = new LinkedHashMap<>();

    public Jobs(CommandApi commands, ExecutorService runner, InstantSource wall, Runnable onChange) {
        this.commands = commands;
        this.runner = runner;
        this.wall = wall;
        this.onChange = onChange;
    }

    /** Starts {@code command} as {@code actor}; returns the job at once. */
    public Job start(Actor actor, Command command) {
        Job job = new Job(ids.incrementAndGet(), actor.name(), command.name(), command.target(), wall.instant(),
                List.of(), null, null);
        put(job);
        runner.execute(() -> {
            CommandResult r;
            try {
                r = commands.execute(actor, command);
            } catch (RuntimeException e) {
                LOG.error("web action {} on {} by {} failed: {}", command.name(), command.target(), actor, e.toString(), e);
                r = CommandResult.failed(e.toString());
            }
            CommandResult result = r;
            update(job.id(), j -> j.finished(result, wall.instant()));
        });
        return job;
    }

    /** Runs {@code command} as {@code actor} on this thread (refusals known before anything starts, e.g. a monitor). */
    public CommandResult runNow(Actor actor, Command command) {
        return commands.execute(actor, command);
    }

    /**
     * Takes the steps of the jobs that follow a sequence (switchover, failback...) from a model snapshot: the
     * sequence under way on the job's primary while the job runs, the primary's last timeline (when it began after
     * the job) once it ended. Called before each rendering, so the page shows the steps of the same instant.
     */
    public void observe(ClusterSnapshot s) {
        synchronized (jobs) {
            for (Job j : List.copyOf(jobs.values())) {
                PrimarySnapshot p = s.primaries().stream().filter(x -> x.name().equals(j.primary())).findFirst().orElse(null);
                if (p == null) {
                    continue;
                }
                FailoverTimeline t = j.running() ? p.running() : p.lastSequence();
                if (t != null && belongs(t, j) && t.steps().size() > j.steps().size()) {
                    jobs.put(j.id(), j.withSteps(t.steps()));
                }
            }
        }
    }

    /** The timeline began after the job did (a second's leeway between the clocks of the two). */
    private static boolean belongs(FailoverTimeline t, Job j) {
        return !t.startedAt().isBefore(j.started().minusSeconds(1));
    }

    /** The kept jobs, newest first. */
    public List<Job> recent() {
        synchronized (jobs) {
            List<Job> out = new ArrayList<>(jobs.values());
            java.util.Collections.reverse(out);
            return out;
        }
    }

    private void put(Job job) {
        synchronized (jobs) {
            jobs.put(job.id(), job);
            while (jobs.size() > KEPT) {
                Long oldest = jobs.keySet().iterator().next();
                jobs.remove(oldest);
            }
        }
        onChange.run();
    }

    private void update(long id, java.util.function.UnaryOperator<Job> change) {
        synchronized (jobs) {
            Job j = jobs.get(id);
            if (j == null) {
                return;
            }
            jobs.put(id, change.apply(j));
        }
        onChange.run();
    }
}
