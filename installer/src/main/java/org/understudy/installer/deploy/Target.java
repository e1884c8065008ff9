package org.understudy.installer.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.understudy.config.ClusterConfig;
import org.understudy.config.NodeConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.StandbyConfig;

/**
 * One node of the cluster as a place to install to: its host, and every path the installer writes there. Paths of
 * the cluster file that were relative to it locally are relative to {@link InstallSettings#configDir()} on the
 * target, where the cluster file goes. Immutable.
 */
public record Target(ClusterConfig cluster, NodeConfig node, InstallSettings settings, String sshHost, int sshPort) {
    /** A listener the node will open: TCP or UDP, address and port, and what it is for. */
    public record Port(String proto, String address, int port, String what) {
    }

    /** A primary's volume on the target: its backing file or device and declared size. */
    public record Volume(String name, String path, long size) {
    }

    public static List<Target> all(ClusterConfig cluster, InstallSettings s) {
        List<Target> l = new ArrayList<>();
        l.add(of(cluster, cluster.standby(), s));
        cluster.primaries().forEach(p -> l.add(of(cluster, p, s)));
        return l;
    }

    public static Target of(ClusterConfig cluster, NodeConfig node, InstallSettings s) {
        String[] hp = s.sshTarget(node.name(), node.address());
        return new Target(cluster, node, s, hp[0], Integer.parseInt(hp[1]));
    }

    public String name() {
        return node.name();
    }

    public boolean isStandby() {
        return node instanceof StandbyConfig;
    }

    public String role() {
        return isStandby() ? "standby" : "primary";
    }

    /** A path of the cluster file as it is on the target. */
    public String onTarget(Path local) {
        Path dir = cluster.file().getParent();
        Path p = local.toAbsolutePath().normalize();
        if (p.startsWith(dir)) {
            return Path.of(settings.configDir()).resolve(dir.relativize(p)).toString();
        }
        return p.toString();
    }

    public String stateDir() {
        return onTarget(node.stateDir());
    }

    public String clusterFile() {
        return settings.configDir() + "/cluster.yaml";
    }

    public String secretsFile() {
        return onTarget(cluster.secrets().file());
    }

    public String envFile() {
        return settings.configDir() + "/" + name() + ".env";
    }

    public String unitName() {
        return "understudy-" + name() + ".service";
    }

    public String unitFile() {
        return settings.unitDir() + "/" + unitName();
    }

    public String versionsDir() {
        return settings.installDir() + "/versions";
    }

    public String current() {
        return settings.installDir() + "/current";
    }

    public String serviceScript() {
        return current() + "/bin/understudy-service";
    }

    public List<Volume> volumes() {
        if (!(node instanceof PrimaryConfig p)) {
            return List.of();
        }
        return p.volumes().stream().map(v -> new Volume(v.name(), onTarget(v.file()), v.size())).toList();
    }

    /** Bytes the standby needs for every replica. */
    public static long replicaBytes(ClusterConfig cluster) {
        return cluster.primaries().stream().flatMap(p -> p.volumes().stream()).mapToLong(v -> v.size()).sum();
    }

    /** Every listener the node opens, so pre-flight can say which one is taken. */
    public List<Port> ports() {
        List<Port> l = new ArrayList<>();
        l.add(new Port("tcp", node.admin().host(), node.admin().port(), "admin API"));
        if (node instanceof StandbyConfig s) {
            l.add(new Port("tcp", s.replication().host(), s.replication().port(), "replication"));
            l.add(new Port("udp", s.address(), cluster.ha().health().heartbeatPort(), "heartbeats"));
        } else if (node instanceof PrimaryConfig p) {
            l.add(new Port("tcp", p.address(), p.nbdPort(), "NBD"));
            l.add(new Port("udp", p.address(), cluster.ha().health(p.name()).heartbeatPort(), "heartbeats"));
        }
        cluster.snmp().agent(name()).ifPresent(e -> l.add(new Port("udp", e.host(), e.port(), "SNMP")));
        if (node.jmx() != null) {
            l.add(new Port("tcp", node.jmx().endpoint().host(), node.jmx().endpoint().port(), "JMX"));
        }
        return l;
    }

    /** True when the standby takes primaries' addresses with {@code ip addr add} (needs CAP_NET_ADMIN). */
    public boolean needsNetAdmin() {
        if (!isStandby()) {
            return false;
        }
        return cluster.primaries().stream().anyMatch(p ->
                cluster.ha().failover(p.name()).identity() == org.understudy.config.HaConfig.Identity.IP);
    }
}
