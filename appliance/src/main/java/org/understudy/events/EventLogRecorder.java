package org.understudy.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.understudy.model.ActorFace;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmChange;
import org.understudy.model.AlarmSource;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;

/**
 * What engines and the command API call to put things in the event log: alarm raises and clears (by subscribing to
 * the alarm registry), state transitions, failover timelines and operator actions. Knows nothing of any face.
 *
 * <p>Convention: a resource's first segment ({@code p1} in {@code p1/vol0}) names the node it concerns; rows about a
 * resource are stored with that as their primary so {@code events --primary p1} finds them.
 *
 * <p>Engine-side calls queue the row and return at once; operator actions are written synchronously, because the
 * audit trail of who did what must be on disk before the command answers. Thread-safe.
 */
public final class EventLogRecorder {
    private final EventLog log;
    private final Clock wallClock;
    private final ObjectMapper json = new ObjectMapper();

    public EventLogRecorder(EventLog log, Clock wallClock) {
        this.log = Objects.requireNonNull(log, "log");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    }

    /** Writes a row for every later alarm raise, update and clear. Close the handle to stop. */
    public AlarmSource.Subscription recordAlarms(AlarmSource alarms) {
        return alarms.subscribe(this::onAlarm);
    }

    private void onAlarm(AlarmChange change) {
        Alarm a = change.alarm();
        ObjectNode d = json.createObjectNode();
        d.put("index", a.index());
        d.put("alarmKind", a.kind().name());
        d.put("severity", a.severity().name());
        d.put("since", a.since().toString());
        EventKind kind;
        String message;
        switch (change.type()) {
            case RAISED -> {
                kind = EventKind.ALARM_RAISED;
                message = a.severity() + " " + a.kind() + ": " + a.description();
            }
            case UPDATED -> {
                kind = EventKind.ALARM_UPDATED;
                d.put("previousSeverity", change.before().severity().name());
                d.put("previousDescription", change.before().description());
                message = a.severity() + " " + a.kind() + ": " + a.description();
            }
            case CLEARED -> {
                kind = EventKind.ALARM_CLEARED;
                d.put("activeMillis", Duration.between(a.since(), change.at()).toMillis());
                message = a.kind() + " cleared: " + (change.reason() == null ? "" : change.reason());
            }
            default -> throw new IllegalStateException("unknown alarm change " + change.type());
        }
        log.append(new EventEntry(0, change.at(), kind, primaryOf(a.resource()), a.resource(), null,
                ActorFace.ENGINE, null, message, d.toString()));
    }

    /**
     * A state machine moved.
     *
     * @param primary the primary whose machine it is (or the node for the node's own machine)
     * @param from    state before, e.g. {@code HEALTHY}
     * @param to      state after
     * @param cause   why, with the numbers behind it
     */
    public void recordTransition(String primary, String from, String to, String cause) {
        ObjectNode d = json.createObjectNode();
        d.put("from", from);
        d.put("to", to);
        log.append(EventEntry.of(wallClock.instant(), EventKind.STATE_TRANSITION, primary, primary,
                from + " -> " + to + ": " + cause, d.toString()));
    }

    /** A state machine moved on a resource below a primary, e.g. a volume's mirror state or a link. */
    public void recordTransition(String resource, EventKind kind, String from, String to, String cause) {
        ObjectNode d = json.createObjectNode();
        d.put("from", from);
        d.put("to", to);
        log.append(EventEntry.of(wallClock.instant(), kind, primaryOf(resource), resource,
                from + " -> " + to + ": " + cause, d.toString()));
    }

    /**
     * A takeover, switchover or failback, step by step. The details hold {@code reason}, {@code outcome},
     * {@code totalMillis} and {@code steps: [{name, millis, outcome}]}.
     */
    public void recordFailoverTimeline(String primary, String reason, List<TimelineStep> steps, String outcome,
                                       Duration total) {
        ObjectNode d = json.createObjectNode();
        d.put("reason", reason);
        d.put("outcome", outcome);
        ArrayNode arr = d.putArray("steps");
        StringBuilder line = new StringBuilder();
        for (TimelineStep s : steps) {
            ObjectNode o = arr.addObject();
            o.put("name", s.name());
            o.put("millis", s.took().toNanos() / 1e6);
            o.put("outcome", s.outcome());
            line.append(line.isEmpty() ? "" : ", ").append(s.name()).append(' ')
                    .append(String.format("%.1f", s.took().toNanos() / 1e6)).append(" ms");
        }
        // the timeline's own total (decision to serving), never a sum of steps: every face gives the same figure
        d.put("totalMillis", total.toNanos() / 1e6);
        log.append(new EventEntry(0, wallClock.instant(), EventKind.FAILOVER_TIMELINE, primary, primary, null,
                ActorFace.ENGINE, outcome, String.format("%s in %d ms (%s): %s", outcome, total.toMillis(), reason,
                        line), d.toString()));
    }

    /**
     * An operator asked for something. Written synchronously: returns once it is on disk.
     *
     * @param actor   who (the authenticated user, or the OS user for the CLI)
     * @param face    through which face
     * @param action  what, e.g. {@code switchover}
     * @param target  on what, e.g. {@code p1}; its first segment is taken as the primary
     * @param outcome {@code ok}, {@code refused: not authorised}, {@code failed: ...}
     * @return the row's id
     */
    public long recordOperatorAction(String actor, ActorFace face, String action, String target, String outcome) {
        Objects.requireNonNull(face, "face");
        String message = actor + " via " + face + ": " + action + (target == null ? "" : " " + target) + " -> "
                + outcome;
        ObjectNode d = json.createObjectNode();
        d.put("action", action);
        return log.appendSync(new EventEntry(0, wallClock.instant(), EventKind.OPERATOR_ACTION, primaryOf(target),
                target, actor, face, outcome, message, d.toString()));
    }

    /**
     * One step of an installation, upgrade or uninstallation run by the installer, as an {@code OPERATOR_ACTION} row
     * on the node it concerns. Written synchronously, like every operator action. The details hold {@code action},
     * {@code step}, {@code node} and {@code version}.
     *
     * @param actor   the operator running the installer (its OS user)
     * @param action  {@code install}, {@code upgrade} or {@code uninstall}
     * @param step    e.g. {@code preflight}, {@code push}, {@code start}
     * @param version the version being installed (or removed)
     * @param outcome {@code ok}, {@code skipped: ...}, {@code failed: ...}, {@code undone}
     * @return the row's id
     */
    public long recordDeployStep(String actor, String action, String node, String step, String version, String outcome) {
        ObjectNode d = json.createObjectNode();
        d.put("action", action);
        d.put("step", step);
        d.put("node", node);
        d.put("version", version);
        String message = actor + " via CLI: " + action + " " + node + " " + step + " (" + version + ") -> " + outcome;
        return log.appendSync(new EventEntry(0, wallClock.instant(), EventKind.OPERATOR_ACTION, node, node, actor,
                ActorFace.CLI, outcome, message, d.toString()));
    }

    /**
     * Refused authentications of one face, source and user: {@code count} of them in the window that began at
     * {@code firstAt}. The actor is the user tried (never a secret), the outcome {@code refused}; the details hold
     * {@code face}, {@code source}, {@code user}, {@code count}, {@code reason} and {@code firstAt}.
     *
     * @param node      the node that refused them (the row's resource)
     * @param face      the event log's face column
     * @param faceLabel where, for a person: {@code admin API}, {@code replication link}
     */
    public void recordAuthFailure(String node, ActorFace face, String faceLabel, String source, String user,
                                  long count, String reason, java.time.Instant firstAt) {
        ObjectNode d = json.createObjectNode();
        d.put("face", faceLabel);
        d.put("source", source);
        d.put("user", user);
        d.put("count", count);
        d.put("reason", reason);
        d.put("firstAt", firstAt.toString());
        String who = user.isEmpty() ? "" : " as '" + user + "'";
        String message = count == 1
                ? "authentication refused on the " + faceLabel + " from " + source + who + ": " + reason
                : count + " authentications refused on the " + faceLabel + " from " + source + who + " since "
                        + firstAt + " (last: " + reason + ")";
        log.append(new EventEntry(0, wallClock.instant(), EventKind.AUTH_FAILURE, node, node,
                user.isEmpty() ? null : user, face, "refused", message, d.toString()));
    }

    /** Any other row (link, resync, verify, fence, node) with optional JSON details. */
    public void record(EventKind kind, String resource, String message, String detailsJson) {
        log.append(EventEntry.of(wallClock.instant(), kind, primaryOf(resource), resource, message, detailsJson));
    }

    /** The node a resource belongs to: its first path segment, or null. */
    static String primaryOf(String resource) {
        if (resource == null || resource.isBlank()) {
            return null;
        }
        int slash = resource.indexOf('/');
        return slash < 0 ? resource : resource.substring(0, slash);
    }
}
