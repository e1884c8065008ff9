package org.understudy.face;

import java.nio.file.Path;
import org.understudy.command.CommandApi;
import org.understudy.config.ClusterConfig;
import org.understudy.config.NodeConfig;
import org.understudy.model.AlarmSource;
import org.understudy.model.EventStream;
import org.understudy.model.StateModel;
import org.understudy.security.AuthFailures;

/**
 * What a management face is given: the configuration, this node, the model to read, the alarm and event streams to
 * announce, and the command API to act through. A face never sees an engine.
 *
 * @param stateDir     the node's state directory, for a face's own small files (e.g. the SNMP engine boots counter)
 * @param authFailures where the face reports every refused login or credential
 */
public record FaceContext(ClusterConfig cluster, NodeConfig node, StateModel model, AlarmSource alarms,
                          EventStream events, CommandApi commands, Path stateDir, AuthFailures authFailures) {

    /** A context whose refused logins go nowhere (tests of a face that do not look at them). */
    public FaceContext(ClusterConfig cluster, NodeConfig node, StateModel model, AlarmSource alarms,
                       EventStream events, CommandApi commands, Path stateDir) {
        this(cluster, node, model, alarms, events, commands, stateDir, AuthFailures.NONE);
    }
}
