package org.understudy.events;

import java.util.List;
import java.util.function.Consumer;
import org.understudy.model.EventKind;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.ModelEvent;

/**
 * Puts the engines' model events into the event log: state transitions with their cause and numbers, failover
 * timelines with per-step durations, path changes, the standby's own pauses. Alarms reach the log through
 * {@link EventLogRecorder#recordAlarms}, operator actions through the command API's audit sink, so neither is
 * recorded twice here. Subscribe it to the node's event bus.
 */
public final class ModelEventRecorder implements Consumer<ModelEvent> {
    private final EventLogRecorder recorder;

    public ModelEventRecorder(EventLogRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void accept(ModelEvent event) {
        switch (event) {
            case ModelEvent.StateChanged e -> recorder.recordTransition(e.primary(), e.from().name(), e.to().name(),
                    e.numbers().isEmpty() ? e.cause() : e.cause() + " " + e.numbers());
            case ModelEvent.PathChanged e -> recorder.record(EventKind.LINK, e.node() + "/path/" + e.path(),
                    "path " + e.path() + " (" + e.kind() + ") " + e.state() + ", silent for " + e.silentFor().toMillis() + " ms", null);
            case ModelEvent.LifecycleChanged e -> recorder.record(EventKind.NODE, e.node(),
                    "lifecycle " + e.from() + " -> " + e.to() + ": " + e.cause(), null);
            case ModelEvent.PrimaryFailed e -> recorder.record(EventKind.STATE_TRANSITION, e.primary(), "declared failed: " + e.reason(), null);
            case ModelEvent.FailoverStarted e -> recorder.record(EventKind.FAILOVER_TIMELINE, e.primary(),
                    e.kind() + " started: " + e.reason(), null);
            case ModelEvent.FailoverCompleted e -> timeline(e.timeline(), "completed");
            case ModelEvent.FailoverFailed e -> timeline(e.timeline(), "failed: " + e.reason());
            case ModelEvent.StandbyLost e -> recorder.record(EventKind.LINK, e.standby(), "standby lost: " + e.reason(), null);
            case ModelEvent.StandbyRestored e -> recorder.record(EventKind.LINK, e.standby(), "standby restored: " + e.reason(), null);
            case ModelEvent.LocalPause e -> recorder.record(EventKind.NODE, e.node(), "this node was paused for " + e.gap().toMillis()
                    + " ms (expected ticks every " + e.expected().toMillis() + " ms); silence counts restarted", null);
            case ModelEvent.ResyncStarted e -> recorder.record(EventKind.RESYNC, e.primary() + "/" + e.volume(),
                    "resync started: " + e.bytes() + " bytes to copy (" + e.reason() + ")", null);
            case ModelEvent.ResyncCompleted e -> recorder.record(EventKind.RESYNC, e.primary() + "/" + e.volume(),
                    "resync completed: " + e.bytes() + " bytes in " + e.took().toMillis() + " ms", null);
            case ModelEvent.VerifyMismatch e -> recorder.record(EventKind.VERIFY, e.primary() + "/" + e.volume(),
                    "online verify: " + e.mismatches() + " of " + e.regionsCompared() + " regions differ; resyncing them", null);
            case ModelEvent.SnapshotCreated e -> recorder.record(EventKind.SNAPSHOT, e.primary(),
                    "snapshot " + e.name() + " of " + e.volumes() + " taken (" + e.kind().name().toLowerCase(
                            java.util.Locale.ROOT) + ", " + (e.primaryCut() ? "cut in the primary's write stream"
                            : "the standby's own cut") + "): " + e.detail(), null);
            case ModelEvent.SnapshotDeleted e -> recorder.record(EventKind.SNAPSHOT, e.primary(),
                    "snapshot " + e.name() + (e.volume().isEmpty() ? "" : " of " + e.volume()) + " deleted ("
                            + e.bytesFreed() + " bytes freed): " + e.reason(), null);
            case ModelEvent.RehearsalFinished e -> timeline(e.timeline(), e.outcome());
            case ModelEvent.OperatorAction e -> { } // recorded by the command API's audit sink
        }
    }

    private void timeline(FailoverTimeline t, String outcome) {
        List<TimelineStep> steps = t.steps().stream()
                .map(s -> new TimelineStep(s.name(), s.duration(), s.outcome().name() + (s.detail() == null || s.detail().isEmpty() ? "" : ": " + s.detail())))
                .toList();
        // an automatic failover names its detection path (process-dead or host-silent) before its reason
        String kind = t.detection() == null ? t.kind() : t.kind() + " (" + t.detection().path() + ")";
        recorder.recordFailoverTimeline(t.primary(), kind + ": " + t.reason(), steps, outcome, t.total());
    }
}
