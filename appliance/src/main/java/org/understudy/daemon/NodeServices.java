package org.understudy.daemon;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.command.AuditSink;
import org.understudy.config.HaConfig;
import org.understudy.events.StoredEventLog;
import org.understudy.events.EventLog;
import org.understudy.events.EventLogFormat;
import org.understudy.events.EventLogRecorder;
import org.understudy.events.ModelEventRecorder;
import org.understudy.events.PeriodicScheduler;
import org.understudy.events.Retention;
import org.understudy.model.AlarmSource;
import org.understudy.model.EventBus;
import org.understudy.security.AuthFailureLog;
import org.understudy.security.AuthFailures;

/**
 * What every node has besides its role's engines: its alarms, its event channel and its event log (in the state
 * directory: a file on a primary, Derby on the standby), wired so every alarm, model event and operator action
 * lands in the log.
 */
public final class NodeServices implements AutoCloseable {
    private final AlarmRegistry alarms;
    private final EventBus events;
    private final EventLog eventLog;
    private final EventLogRecorder recorder;
    private final AlarmSource.Subscription alarmRows;
    private final AlarmSource.Subscription eventRows;
    private final AuthFailureLog authFailures;
    private final AutoCloseable authTicks;

    private NodeServices(String nodeName, AlarmRegistry alarms, EventBus events, EventLog eventLog,
                         long authFailureAlarmPerMinute) {
        this.alarms = alarms;
        this.events = events;
        this.eventLog = eventLog;
        this.recorder = new EventLogRecorder(eventLog, Clock.systemUTC());
        this.alarmRows = recorder.recordAlarms(alarms);
        this.eventRows = events.subscribe(new ModelEventRecorder(recorder));
        this.authFailures = new AuthFailureLog(nodeName, recorder, alarms, System::nanoTime, InstantSource.system(),
                authFailureAlarmPerMinute);
        this.authTicks = PeriodicScheduler.daemon("understudy-auth-failures").every(Duration.ofSeconds(5),
                authFailures::tick);
    }

    /** Services whose AUTH_FAILURES alarm has the default threshold (60 refusals a minute). */
    public static NodeServices open(String nodeName, Path stateDir, Retention retention) {
        return open(nodeName, stateDir, EventLogFormat.DERBY, retention,
                HaConfig.EventLog.DEFAULTS.authFailureAlarmPerMinute());
    }

    /**
     * @param format                    how the log is stored: a file on a primary, Derby on the standby
     * @param authFailureAlarmPerMinute refused authentications in one minute, all faces together, above which
     *                                  AUTH_FAILURES is raised ({@code eventLog.authFailureAlarmPerMinute})
     */
    public static NodeServices open(String nodeName, Path stateDir, EventLogFormat format, Retention retention,
                                    long authFailureAlarmPerMinute) {
        EventLog log = StoredEventLog.open(stateDir, format, retention, Clock.systemUTC(),
                PeriodicScheduler.daemon("understudy-eventlog-retention"));
        return new NodeServices(nodeName, new AlarmRegistry(nodeName, Clock.systemUTC()), new EventBus(), log,
                authFailureAlarmPerMinute);
    }

    public AlarmRegistry alarms() {
        return alarms;
    }

    public EventBus events() {
        return events;
    }

    public EventLog eventLog() {
        return eventLog;
    }

    /** Every operator action, written synchronously: on disk before the command answers. */
    public AuditSink audit() {
        return (actor, command, result) -> recorder.recordOperatorAction(actor.name(), actor.face(), command.name(), command.target(),
                result.status() + ": " + result.message());
    }

    /** What the installer's deploy steps and other direct rows are written through. */
    public EventLogRecorder recorder() {
        return recorder;
    }

    /** Where every face and port reports a refused authentication. */
    public AuthFailures authFailures() {
        return authFailures;
    }

    @Override
    public void close() {
        try {
            authTicks.close();
        } catch (Exception e) {
            // a scheduler handle does not fail to close
        }
        eventRows.close();
        alarmRows.close();
        eventLog.close();
    }
}
