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
 */
public record SnmpConfig(Map<String, Endpoint> agents, List<SnmpTarget> targets) {
    /** No agent on any node and no receivers. */
    public static final SnmpConfig NONE = new SnmpConfig(Map.of(), List.of());

    public SnmpConfig {
        agents = Map.copyOf(agents);
        targets = List.copyOf(targets);
    }

    /** The agent endpoint of {@code node}, if it has an {@code snmp:} block. */
    public Optional<Endpoint> agent(String node) {
        return Optional.ofNullable(agents.get(node));
    }
}
