package org.understudy.web.pages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.understudy.config.ClusterConfig;
import org.understudy.config.NodeConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.model.Role;

/**
 * What the pages know of the cluster file: this node, its role, and where each primary's volumes are served.
 * Immutable.
 *
 * @param services each primary's service endpoint, {@code address:port}
 * @param volumes  each primary's volume names, in file order
 */
public record Site(String cluster, String node, Role role, Map<String, String> services,
                   Map<String, List<String>> volumes) {
    public Site {
        services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
        volumes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(volumes));
    }

    public static Site of(ClusterConfig cluster, NodeConfig node) {
        Map<String, String> services = new LinkedHashMap<>();
        Map<String, List<String>> volumes = new LinkedHashMap<>();
        for (PrimaryConfig p : cluster.primaries()) {
            services.put(p.name(), p.address() + ":" + p.nbdPort());
            volumes.put(p.name(), p.volumes().stream().map(VolumeConfig::name).toList());
        }
        return new Site(cluster.name(), node.name(), node instanceof StandbyConfig ? Role.STANDBY : Role.PRIMARY,
                services, volumes);
    }

    public boolean standby() {
        return role == Role.STANDBY;
    }

    /** Whether this node's console knows a primary of that name (the standby: every one; a primary: itself). */
    public boolean knows(String primary) {
        return primary != null && (standby() ? services.containsKey(primary) : node.equals(primary));
    }

    public List<String> volumesOf(String primary) {
        return volumes.getOrDefault(primary, List.of());
    }
}
