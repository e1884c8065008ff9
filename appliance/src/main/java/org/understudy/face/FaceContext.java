package org.understudy.face;

import java.nio.file.Path;
import org.understudy.command.CommandApi;
import org.understudy.config.ClusterConfig;
import org.understudy.config.NodeConfig;
import org.understudy.model.AlarmSource;
import org.understudy.model.EventStream;
import org.understudy.model.StateModel;

/**
 * What a management face is given: the configuration, this node, the model to read, the alarm and event streams to
 * announce, and the command API to act through. A face never sees an engine.
 *
 * @param stateDir the node's state directory, for a face's own small files (e.g. the SNMP engine boots counter)
 */
public record FaceContext(ClusterConfig cluster, NodeConfig node, StateModel model, AlarmSource alarms,
                          EventStream events, CommandApi commands, Path stateDir) {
}
