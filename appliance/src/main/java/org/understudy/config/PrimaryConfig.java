package org.understudy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A protected server.
 *
 * @param nbdPort port of its NBD exports on {@link #address()}
 * @param jmx     its JMX remote connector, or null
 */
public record PrimaryConfig(String name, String address, int nbdPort, Endpoint admin, Path stateDir,
                            List<VolumeConfig> volumes, JmxConfig jmx) implements NodeConfig {
    public PrimaryConfig {
        volumes = List.copyOf(volumes);
    }

    /** A primary without a JMX connector. */
    public PrimaryConfig(String name, String address, int nbdPort, Endpoint admin, Path stateDir, List<VolumeConfig> volumes) {
        this(name, address, nbdPort, admin, stateDir, volumes, null);
    }

    public Optional<VolumeConfig> volume(String volumeName) {
        return volumes.stream().filter(v -> v.name().equals(volumeName)).findFirst();
    }
}
