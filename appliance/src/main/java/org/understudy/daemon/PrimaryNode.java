package org.understudy.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.command.CommandHandler;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.mirror.MirrorContext;
import org.understudy.mirror.MirrorOptions;
import org.understudy.mirror.MirroredVolume;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverSummary;
import org.understudy.model.Role;
import org.understudy.model.StateModel;
import org.understudy.nbd.NbdExports;
import org.understudy.nbd.NbdServer;
import org.understudy.resync.Throttles;
import org.understudy.storage.BlockDevice;

/** A primary: each volume mirrored to the standby and served as an NBD export on the node's service address. */
final class PrimaryNode implements NodeEngine {
    private static final Logger LOG = LogManager.getLogger(PrimaryNode.class);

    private final ClusterConfig cluster;
    private final PrimaryConfig self;
    private final NodeIdentity identity;
    private final Map<String, MirroredVolume> volumes = new LinkedHashMap<>();
    private final Throttles throttles = Throttles.unlimited();
    private NbdServer nbd;

    private final NodeServices services;

    PrimaryNode(ClusterConfig cluster, PrimaryConfig self, NodeServices services) {
        this.cluster = cluster;
        this.services = services;
        this.self = self;
        this.identity = NodeIdentity.of(self.name(), Role.PRIMARY);
    }

    @Override
    public void start() throws IOException {
        throttles.mirroring().setGlobalRate(cluster.mirror().mirrorRate());
        throttles.resync().setGlobalRate(cluster.mirror().resyncRate());
        // 4 MiB chunks, 8 in flight: well beyond the standby's 8 MiB acknowledgement batch, so a resync never stalls
        // waiting for an ACK the standby holds back until its input runs dry
        MirrorOptions options = MirrorOptions.defaults();
        options = options.withSync(4 << 20, 8);
        if (self.replicationTarget() != null) {
            options = options.withStandby(self.replicationTarget());
        }
        for (VolumeConfig v : self.volumes()) {
            volumes.put(v.name(), MirroredVolume.open(cluster, self, v, options,
                    new MirrorContext(throttles, services.alarms())));
        }
        NbdExports exports = new NbdExports() {
            @Override
            public Optional<BlockDevice> lookup(String name) {
                return Optional.ofNullable(volumes.get(name));
            }

            @Override
            public List<String> names() {
                return List.copyOf(volumes.keySet());
            }
        };
        nbd = NbdServer.start(new InetSocketAddress(self.address(), self.nbdPort()), exports);
        LOG.info("{}: serving {} volume(s) {} over NBD on {}:{}, mirroring to {} at {}", self.name(), volumes.size(),
                volumes.keySet(), self.address(), self.nbdPort(), cluster.standby().name(), cluster.standby().replication());
    }

    @Override
    public StateModel model() {
        return () -> {
            List<org.understudy.model.VolumeSnapshot> vs = new ArrayList<>();
            List<org.understudy.model.LinkSnapshot> ls = new ArrayList<>();
            for (MirroredVolume v : volumes.values()) {
                vs.add(v.snapshot());
                ls.add(v.linkSnapshot());
            }
            return new ClusterSnapshot(cluster.name(), identity.snapshot(), List.of(), vs, ls, List.of(),
                    services.alarms().active(), FailoverSummary.NONE, Instant.now());
        };
    }

    @Override
    public CommandHandler commands() {
        return new PrimaryCommands(self.name(), throttles, volumes);
    }

    @Override
    public void close() {
        if (nbd != null) {
            nbd.close();
        }
        for (MirroredVolume v : volumes.values()) {
            try {
                v.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: closing volume {}: {}", self.name(), v.describe(), e.toString());
            }
        }
    }
}
