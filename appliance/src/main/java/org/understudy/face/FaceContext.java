package org.understudy.face;

import org.understudy.config.ClusterConfig;
import org.understudy.config.NodeConfig;
import org.understudy.model.StateModel;

/** What a management face is given: the configuration, this node, and the model to read. */
public record FaceContext(ClusterConfig cluster, NodeConfig node, StateModel model) {
}
