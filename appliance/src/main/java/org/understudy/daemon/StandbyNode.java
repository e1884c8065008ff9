package org.understudy.daemon;

import java.time.Instant;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import java.util.List;
import org.understudy.command.CommandHandler;
import org.understudy.command.CommandResult;
import org.understudy.config.ClusterConfig;
import org.understudy.config.StandbyConfig;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverSummary;
import org.understudy.model.Role;
import org.understudy.model.StateModel;
import org.understudy.replica.ReplicaOptions;
import org.understudy.replica.ReplicaServer;

/** The standby: holds a replica of every primary volume and accepts every primary's replication links. */
final class StandbyNode implements NodeEngine {
    private static final Logger LOG = LogManager.getLogger(StandbyNode.class);

    private final ClusterConfig cluster;
    private final StandbyConfig self;
    private final NodeIdentity identity;
    private ReplicaServer replicas;

    private final NodeServices services;

    StandbyNode(ClusterConfig cluster, StandbyConfig self, NodeServices services) {
        this.cluster = cluster;
        this.services = services;
        this.self = self;
        this.identity = NodeIdentity.of(self.name(), Role.STANDBY);
    }

    @Override
    public void start() throws Exception {
        replicas = ReplicaServer.start(cluster, ReplicaOptions.defaults());
        LOG.info("{}: holding replicas of {} primaries in {}, replication links on {}", self.name(), cluster.primaries().size(),
                self.replicaDir(), self.replication());
    }

    @Override
    public StateModel model() {
        return () -> new ClusterSnapshot(cluster.name(), identity.snapshot(), List.of(), replicas.snapshots(), replicas.links(),
                List.of(), services.alarms().active(), FailoverSummary.NONE, Instant.now());
    }

    @Override
    public CommandHandler commands() {
        return (actor, command) -> CommandResult.refused(command.name() + " is not served by standby " + self.name() + " yet");
    }

    @Override
    public void close() {
        if (replicas != null) {
            try {
                replicas.close();
            } catch (java.io.IOException e) {
                LOG.warn("{}: closing the replica store: {}", self.name(), e.toString());
            }
        }
    }
}
