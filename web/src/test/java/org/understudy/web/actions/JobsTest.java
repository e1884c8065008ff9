package org.understudy.web.actions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.e2e.Poll;
import org.understudy.model.ActorFace;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.PrimarySnapshot;
import org.understudy.web.Snapshots;

/** Actions from the console: run in the background through the command API, their steps taken from the model. */
class JobsTest {
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> audit = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger changes = new AtomicInteger();
    private final Jobs jobs = new Jobs(new CommandApi("standby", (actor, c) -> {
        release.await();
        return CommandResult.ok(c.name() + " done");
    }, (actor, c, r) -> audit.add(actor + " " + c.name() + " " + r.status())), threads, InstantSource.system(),
            changes::incrementAndGet);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private static ClusterSnapshot with(FailoverTimeline running, FailoverTimeline last) {
        ClusterSnapshot s = Snapshots.standby(2, 1);
        List<PrimarySnapshot> ps = new ArrayList<>(s.primaries());
        PrimarySnapshot p2 = ps.get(1);
        ps.set(1, new PrimarySnapshot(p2.name(), p2.state(), p2.cause(), p2.since(), p2.paths(), last, p2.failovers(),
                p2.caps(), running));
        return new ClusterSnapshot(s.cluster(), s.node(), ps, s.volumes(), s.links(), s.paths(), s.alarms(), s.failover(),
                s.takenAt());
    }

    private static FailoverTimeline timeline(Instant at, int steps, boolean completed) {
        return timeline("switchover", at, steps, completed);
    }

    private static FailoverTimeline timeline(String kind, Instant at, int steps, boolean completed) {
        List<FailoverStep> list = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            list.add(new FailoverStep("step-" + i, Duration.ofMillis(10L * i), Duration.ofMillis(10), FailoverStep.Outcome.OK, ""));
        }
        return new FailoverTimeline("p2", kind, "planned", at, list, Duration.ofMillis(10L * steps), completed);
    }

    @Test
    void aLongAction_answersAtOnce_showsTheStepsSoFar_thenTheWholeTimelineAndItsOutcome() {
        Job job = jobs.start(new Actor("alice", ActorFace.WEB, true), new Command.Switchover("p2"));
        assertTrue(job.running(), "the request that started it does not wait for it");
        Instant began = Instant.now();
        jobs.observe(with(timeline(began.minusSeconds(60), 5, true), null));
        assertEquals(0, jobs.recent().getFirst().steps().size(), "an older sequence's steps are not this job's");
        jobs.observe(with(timeline(began, 2, false), null));
        assertEquals(List.of("step-0", "step-1"), jobs.recent().getFirst().steps().stream().map(FailoverStep::name).toList());
        release.countDown();
        Poll.until(Duration.ofSeconds(5), "the job ended", () -> !jobs.recent().getFirst().running());
        jobs.observe(with(null, timeline(began, 6, true)));
        Job done = jobs.recent().getFirst();
        assertEquals(6, done.steps().size(), "the whole timeline once it ended");
        assertEquals("switchover done", done.result().message());
        assertEquals(List.of("alice via web switchover OK"), audit);
        assertTrue(changes.get() >= 2, "live pages told of the start and the end");
    }

    @Test
    void aFailback_whichNeverBecomesTheLastFailover_showsItsWholeTimelineFromTheLastSequence() {
        Job job = jobs.start(new Actor("alice", ActorFace.WEB, true), new Command.Failback("p2"));
        Instant began = Instant.now();
        FailoverTimeline earlierTakeover = timeline("failover", began.minusSeconds(300), 5, true);
        jobs.observe(with(timeline("failback", began, 1, false), earlierTakeover));
        release.countDown();
        Poll.until(Duration.ofSeconds(5), "the job ended", () -> !jobs.recent().getFirst().running());
        jobs.observe(ended(earlierTakeover, timeline("failback", began, 4, true)));
        Job done = jobs.recent().getFirst();
        assertEquals(job.id(), done.id());
        assertEquals(List.of("step-0", "step-1", "step-2", "step-3"),
                done.steps().stream().map(FailoverStep::name).toList(), "the failback's own steps, not the takeover's");
        jobs.observe(ended(earlierTakeover, timeline("failover", began.minusSeconds(600), 7, true)));
        assertEquals(4, jobs.recent().getFirst().steps().size(), "an older sequence is not this job's");
    }

    /** p2 with no sequence running, {@code lastFailover} its last takeover and {@code lastSequence} the last of any kind. */
    private static ClusterSnapshot ended(FailoverTimeline lastFailover, FailoverTimeline lastSequence) {
        ClusterSnapshot s = with(null, lastFailover);
        List<PrimarySnapshot> ps = new ArrayList<>(s.primaries());
        ps.set(1, ps.get(1).withLastSequence(lastSequence));
        return new ClusterSnapshot(s.cluster(), s.node(), ps, s.volumes(), s.links(), s.paths(), s.alarms(), s.failover(),
                s.takenAt());
    }

    @Test
    void onlyTheNewestAreKept() {
        release.countDown();
        for (int i = 0; i < Jobs.KEPT + 5; i++) {
            jobs.start(new Actor("alice", ActorFace.WEB, true), new Command.LinkTest("p1"));
        }
        assertEquals(Jobs.KEPT, jobs.recent().size());
        assertEquals(Jobs.KEPT + 5, jobs.recent().getFirst().id(), "newest first");
    }
}
