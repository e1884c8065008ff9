package org.understudy.failover;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the standby takes over for one primary: its identity (service address and NBD port), its volumes and where
 * their replicas are.
 *
 * @param replicas replica file of each volume, in the order of {@code volumes}
 */
public record TakeoverTarget(String primary, String address, int nbdPort, List<String> volumes, List<Path> replicas) {
    public TakeoverTarget {
        volumes = List.copyOf(volumes);
        replicas = List.copyOf(replicas);
        if (volumes.size() != replicas.size()) {
            throw new IllegalArgumentException(primary + ": " + volumes.size() + " volumes but " + replicas.size()
                    + " replicas");
        }
    }

    /**
     * The environment of the failover hooks and the fencing script (documented for operators):
     * <ul>
     *   <li>{@code UNDERSTUDY_PRIMARY} the failed primary's name</li>
     *   <li>{@code UNDERSTUDY_ADDRESS} its service address, now held by the standby</li>
     *   <li>{@code UNDERSTUDY_PORT} the NBD port of its exports</li>
     *   <li>{@code UNDERSTUDY_VOLUMES} its volume (export) names, space-separated</li>
     *   <li>{@code UNDERSTUDY_REPLICAS} the replica files serving them, space-separated, same order</li>
     *   <li>{@code UNDERSTUDY_REASON} why the takeover happened, with the numbers</li>
     *   <li>{@code UNDERSTUDY_KIND} failover, forced-failover or switchover</li>
     * </ul>
     */
    public Map<String, String> environment(String kind, String reason) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UNDERSTUDY_PRIMARY", primary);
        env.put("UNDERSTUDY_ADDRESS", address);
        env.put("UNDERSTUDY_PORT", Integer.toString(nbdPort));
        env.put("UNDERSTUDY_VOLUMES", String.join(" ", volumes));
        env.put("UNDERSTUDY_REPLICAS", replicas.stream().map(Path::toString).collect(Collectors.joining(" ")));
        env.put("UNDERSTUDY_REASON", reason);
        env.put("UNDERSTUDY_KIND", kind);
        return env;
    }

    /**
     * The fencing script's environment: {@link #environment} with {@code UNDERSTUDY_KIND=fence}, plus
     * {@code UNDERSTUDY_TAKEOVER}, the takeover it fences for ({@code failover}, {@code forced-failover},
     * {@code switchover}), so a fence can tell a failed primary from one handing over by plan.
     */
    public Map<String, String> fencingEnvironment(String takeover, String reason) {
        Map<String, String> env = environment("fence", reason);
        env.put("UNDERSTUDY_TAKEOVER", takeover);
        return env;
    }
}
