package org.understudy.face;

import java.nio.file.Path;
import org.understudy.command.CommandApi;
import org.understudy.config.ClusterConfig;
import org.understudy.config.NodeConfig;
import java.util.List;
import org.understudy.model.AlarmSource;
import org.understudy.model.EventSource;
import org.understudy.model.EventStream;
import org.understudy.model.StateModel;
import org.understudy.security.AuthFailures;

/**
 * What a management face is given: the configuration, this node, the model to read, the alarm and event streams to
 * announce, and the command API to act through. A face never sees an engine.
 *
 * @param stateDir     the node's state directory, for a face's own small files (e.g. the SNMP engine boots counter)
 * @param authFailures where the face reports every refused login or credential
 * @param eventLog     the node's event log, for faces that show its rows (the web console's events page)
 */
public record FaceContext(ClusterConfig cluster, NodeConfig node, StateModel model, AlarmSource alarms,
                          EventStream events, CommandApi commands, Path stateDir, AuthFailures authFailures,
                          EventSource eventLog) {
    /** A log with no rows, for faces started without one. */
    public static final EventSource NO_EVENT_LOG = query -> List.of();

    /** A context without an event log to read. */
    public FaceContext(ClusterConfig cluster, NodeConfig node, StateModel model, AlarmSource alarms,
                       EventStream events, CommandApi commands, Path stateDir, AuthFailures authFailures) {
        this(cluster, node, model, alarms, events, commands, stateDir, authFailures, NO_EVENT_LOG);
    }

    /** A context whose refused logins go nowhere (tests of a face that do not look at them). */
    public FaceContext(ClusterConfig cluster, NodeConfig node, StateModel model, AlarmSource alarms,
                       EventStream events, CommandApi commands, Path stateDir) {
        this(cluster, node, model, alarms, events, commands, stateDir, AuthFailures.NONE);
    }
}
