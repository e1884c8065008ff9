package org.understudy.snmp;

import java.util.List;
import java.util.Locale;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.MirrorState;
import org.understudy.model.PathKind;
import org.understudy.model.PrimaryState;
import org.understudy.model.VolumeSnapshot;

/**
 * The model's enumerations as UNDERSTUDY-MIB's named numbers. One switch per textual convention, exhaustive over the
 * model's enum so a new model value fails the build here. Stateless.
 */
final class Mapping {
    private Mapping() {
    }

    static int primaryState(PrimaryState s) {
        return switch (s) {
            case SYNCING -> UnderstudyMib.PrimaryState.SYNCING;
            case PROTECTED -> UnderstudyMib.PrimaryState.PROTECTED;
            case DEGRADED -> UnderstudyMib.PrimaryState.DEGRADED;
            case SUSPECT -> UnderstudyMib.PrimaryState.SUSPECT;
            case FAILING_OVER -> UnderstudyMib.PrimaryState.FAILING_OVER;
            case STANDING_IN -> UnderstudyMib.PrimaryState.STANDING_IN;
            case FAILING_BACK -> UnderstudyMib.PrimaryState.FAILING_BACK;
            case FENCED -> UnderstudyMib.PrimaryState.FENCED;
            case SPLIT_BRAIN -> UnderstudyMib.PrimaryState.SPLIT_BRAIN;
            case FAILED -> UnderstudyMib.PrimaryState.FAILED;
        };
    }

    /**
     * A primary's state when the model has no state machine for it (on a primary's own agent, or before the standby's
     * failover engine reports it): what its volumes say. Any degraded volume: degraded; any not yet consistent:
     * syncing; all in sync: protected.
     */
    static PrimaryState fromVolumes(List<VolumeSnapshot> volumes) {
        if (volumes.stream().anyMatch(v -> v.state() == MirrorState.DEGRADED)) {
            return PrimaryState.DEGRADED;
        }
        if (volumes.isEmpty() || volumes.stream().anyMatch(v -> v.state() != MirrorState.IN_SYNC)) {
            return PrimaryState.SYNCING;
        }
        return PrimaryState.PROTECTED;
    }

    static int mirrorState(MirrorState s) {
        return switch (s) {
            case INCONSISTENT -> UnderstudyMib.MirrorState.INCONSISTENT;
            case SYNCING -> UnderstudyMib.MirrorState.SYNCING;
            case IN_SYNC -> UnderstudyMib.MirrorState.IN_SYNC;
            case DEGRADED -> UnderstudyMib.MirrorState.DEGRADED;
        };
    }

    static int mirrorMode(org.understudy.config.MirrorMode m) {
        return switch (m) {
            case SYNC -> UnderstudyMib.MirrorMode.SYNC;
            case ASYNC -> UnderstudyMib.MirrorMode.ASYNC;
        };
    }

    /** The MIB knows no "other" path kind: such paths (a serial line, a second network) show as probe(3). */
    static int pathKind(PathKind k) {
        return switch (k) {
            case REPLICATION_LINK -> UnderstudyMib.PathKind.REPLICATION_LINK;
            case PRODUCTION -> UnderstudyMib.PathKind.PRODUCTION;
            case PROBE, OTHER -> UnderstudyMib.PathKind.PROBE;
        };
    }

    static int severity(AlarmSeverity s) {
        return switch (s) {
            case CRITICAL -> UnderstudyMib.AlarmSeverity.CRITICAL;
            case MAJOR -> UnderstudyMib.AlarmSeverity.MAJOR;
            case MINOR -> UnderstudyMib.AlarmSeverity.MINOR;
            case WARNING -> UnderstudyMib.AlarmSeverity.WARNING;
            case INFO -> UnderstudyMib.AlarmSeverity.INDETERMINATE;
        };
    }

    /** usAlarmCondition: the kind in lower camel case, e.g. PATH_DOWN is {@code pathDown} (at most 32 characters). */
    static String condition(AlarmKind kind) {
        StringBuilder b = new StringBuilder();
        for (String part : kind.name().toLowerCase(Locale.ROOT).split("_")) {
            b.append(b.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return b.length() > 32 ? b.substring(0, 32) : b.toString();
    }

    /** usLastFailoverResult of a timeline: none, inProgress, succeeded or failed. */
    static int failoverResult(FailoverTimeline t) {
        if (t == null) {
            return UnderstudyMib.ActionResult.NONE;
        }
        if (t.completed()) {
            return UnderstudyMib.ActionResult.SUCCEEDED;
        }
        boolean failed = t.steps().stream().anyMatch(s -> s.outcome() == FailoverStep.Outcome.FAILED);
        return failed ? UnderstudyMib.ActionResult.FAILED : UnderstudyMib.ActionResult.IN_PROGRESS;
    }

    /** usPrimaryDetectionPath of a timeline: how its failure was detected; none without a detection (an operator's). */
    static int detectionPath(FailoverTimeline t) {
        String path = t == null || t.detection() == null ? "" : t.detection().path();
        return switch (path) {
            case FailureDetection.PROCESS_DEAD -> UnderstudyMib.DetectionPath.PROCESS_DEAD;
            case FailureDetection.HOST_SILENT -> UnderstudyMib.DetectionPath.HOST_SILENT;
            default -> UnderstudyMib.DetectionPath.NONE;
        };
    }
}
