package org.understudy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A protected server.
 *
 * @param nbdPort           port of its NBD exports on {@link #address()}
 * @param jmx               its JMX remote connector, or null
 * @param replicationTarget where this primary connects its replication links; null = the standby's
 *                          {@code replication} endpoint (set it to route the link through a relay, a WAN optimiser
 *                          or a test's fault proxy)
 * @param nbdMaxConnections NBD connections served at once on its exports (by it, or by the standby standing in);
 *                          one more is refused with a log line
 * @param web               its web console, or null
 */
public record PrimaryConfig(String name, String address, int nbdPort, Endpoint admin, Path stateDir,
                            List<VolumeConfig> volumes, JmxConfig jmx, Endpoint replicationTarget,
                            int nbdMaxConnections, WebConfig web) implements NodeConfig {
    /** NBD connections at once unless the cluster file says otherwise. */
    public static final int DEFAULT_NBD_MAX_CONNECTIONS = 256;
    public PrimaryConfig {
        volumes = List.copyOf(volumes);
        if (nbdMaxConnections < 1) {
            throw new IllegalArgumentException("nbdMaxConnections must be >= 1, was " + nbdMaxConnections);
        }
    }

    /** A primary without a web console, serving the default number of NBD connections. */
    public PrimaryConfig(String name, String address, int nbdPort, Endpoint admin, Path stateDir,
                         List<VolumeConfig> volumes, JmxConfig jmx, Endpoint replicationTarget) {
        this(name, address, nbdPort, admin, stateDir, volumes, jmx, replicationTarget, DEFAULT_NBD_MAX_CONNECTIONS,
                null);
    }

    /** A primary without a JMX connector, connecting straight to the standby's replication endpoint. */
    public PrimaryConfig(String name, String address, int nbdPort, Endpoint admin, Path stateDir, List<VolumeConfig> volumes) {
        this(name, address, nbdPort, admin, stateDir, volumes, (JmxConfig) null, null);
    }

    /** A primary connecting straight to the standby's replication endpoint. */
    public PrimaryConfig(String name, String address, int nbdPort, Endpoint admin, Path stateDir, List<VolumeConfig> volumes,
                         JmxConfig jmx) {
        this(name, address, nbdPort, admin, stateDir, volumes, jmx, null);
    }

    /** A primary without a JMX connector. */
    public PrimaryConfig(String name, String address, int nbdPort, Endpoint admin, Path stateDir, List<VolumeConfig> volumes,
                         Endpoint replicationTarget) {
        this(name, address, nbdPort, admin, stateDir, volumes, (JmxConfig) null, replicationTarget);
    }

    public Optional<VolumeConfig> volume(String volumeName) {
        return volumes.stream().filter(v -> v.name().equals(volumeName)).findFirst();
    }
}
