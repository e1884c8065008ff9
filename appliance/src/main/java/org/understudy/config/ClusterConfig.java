package org.understudy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole cluster, as described by one YAML file shared by every node. Immutable and validated at load.
 *
 * @param file   the cluster file it was read from (absolute)
 * @param snmp   SNMP agents of the nodes and notification receivers ({@link SnmpConfig#NONE} when not configured)
 * @param mirror cluster-wide mirroring settings ({@code mirror:}); each volume carries its effective copy
 * @param ha     health, failover and event-log settings ({@link HaConfig#DEFAULTS} unless the file says otherwise)
 * @param snapshots snapshots of replicas on the standby ({@link SnapshotConfig#DEFAULTS} unless the file says otherwise)
 */
public record ClusterConfig(Path file, String name, StandbyConfig standby, List<PrimaryConfig> primaries,
                            Secrets secrets, SnmpConfig snmp, MirrorSettings mirror, HaConfig ha,
                            SnapshotConfig snapshots) {
    public ClusterConfig {
        primaries = List.copyOf(primaries);
        snmp = snmp == null ? SnmpConfig.NONE : snmp;
        mirror = mirror == null ? MirrorSettings.DEFAULTS : mirror;
        ha = ha == null ? HaConfig.DEFAULTS : ha;
        snapshots = snapshots == null ? SnapshotConfig.DEFAULTS : snapshots;
    }

    /** A cluster with the default snapshot settings. */
    public ClusterConfig(Path file, String name, StandbyConfig standby, List<PrimaryConfig> primaries, Secrets secrets,
                         SnmpConfig snmp, MirrorSettings mirror, HaConfig ha) {
        this(file, name, standby, primaries, secrets, snmp, mirror, ha, SnapshotConfig.DEFAULTS);
    }

    /** A cluster without SNMP settings and with the default mirroring, health, failover and event-log settings. */
    public ClusterConfig(Path file, String name, StandbyConfig standby, List<PrimaryConfig> primaries, Secrets secrets) {
        this(file, name, standby, primaries, secrets, SnmpConfig.NONE, MirrorSettings.DEFAULTS, HaConfig.DEFAULTS);
    }

    /** A cluster with the default mirroring, health, failover and event-log settings. */
    public ClusterConfig(Path file, String name, StandbyConfig standby, List<PrimaryConfig> primaries, Secrets secrets,
                         SnmpConfig snmp) {
        this(file, name, standby, primaries, secrets, snmp, MirrorSettings.DEFAULTS, HaConfig.DEFAULTS);
    }

    /** A cluster with the default health, failover and event-log settings. */
    public ClusterConfig(Path file, String name, StandbyConfig standby, List<PrimaryConfig> primaries, Secrets secrets,
                         SnmpConfig snmp, MirrorSettings mirror) {
        this(file, name, standby, primaries, secrets, snmp, mirror, HaConfig.DEFAULTS);
    }

    /** A cluster without SNMP settings and with the default mirroring settings. */
    public ClusterConfig(Path file, String name, StandbyConfig standby, List<PrimaryConfig> primaries, Secrets secrets,
                         HaConfig ha) {
        this(file, name, standby, primaries, secrets, SnmpConfig.NONE, MirrorSettings.DEFAULTS, ha);
    }

    public Optional<PrimaryConfig> primary(String primaryName) {
        return primaries.stream().filter(p -> p.name().equals(primaryName)).findFirst();
    }

    /** Every node: the standby first, then the primaries in file order. */
    public List<NodeConfig> nodes() {
        List<NodeConfig> all = new java.util.ArrayList<>();
        all.add(standby);
        all.addAll(primaries);
        return all;
    }

    /** The node called {@code nodeName}, primary or standby. */
    public Optional<NodeConfig> node(String nodeName) {
        if (standby.name().equals(nodeName)) {
            return Optional.of(standby);
        }
        return primary(nodeName).map(p -> p);
    }
}
