package org.understudy.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SNMP part of the cluster file: where each node's agent listens (the optional {@code snmp:} block of a node)
 * and where every agent sends its notifications ({@code cluster.snmp.notify}). Users and the v2c community are
 * secrets: see {@link SnmpSecrets}. Immutable.
 *
 * @param agents  node name -> UDP endpoint of its agent; a node without an entry runs no agent
 * @param targets notification receivers, in file order
 * @param system  node name -> the sysContact and sysLocation its agent starts with ({@code cluster.snmp.contact},
 *                {@code .location}, or the node's own {@code snmp.contact}, {@code .location}); "" where none given
 */
public record SnmpConfig(Map<String, Endpoint> agents, List<SnmpTarget> targets, Map<String, SystemInfo> system) {
    /** No agent on any node and no receivers. */
    public static final SnmpConfig NONE = new SnmpConfig(Map.of(), List.of());

    /** What a node's agent says about the system it runs on (MIB-II system group), as the cluster file gives it. */
    public record SystemInfo(String contact, String location) {
        public static final SystemInfo NONE = new SystemInfo("", "");
    }

    public SnmpConfig {
        agents = Map.copyOf(agents);
        targets = List.copyOf(targets);
        system = Map.copyOf(system);
    }

    public SnmpConfig(Map<String, Endpoint> agents, List<SnmpTarget> targets) {
        this(agents, targets, Map.of());
    }

    /** The sysContact and sysLocation {@code node}'s agent starts with. */
    public SystemInfo system(String node) {
        return system.getOrDefault(node, SystemInfo.NONE);
    }

    /** The agent endpoint of {@code node}, if it has an {@code snmp:} block. */
    public Optional<Endpoint> agent(String node) {
        return Optional.ofNullable(agents.get(node));
    }
}
