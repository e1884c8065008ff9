package org.understudy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A protected server.
 *
 * @param nbdPort port of its NBD exports on {@link #address()}
 */
public record PrimaryConfig(String name, String address, int nbdPort, Endpoint admin, Path stateDir,
                            List<VolumeConfig> volumes) implements NodeConfig {
    public PrimaryConfig {
        volumes = List.copyOf(volumes);
    }

    public Optional<VolumeConfig> volume(String volumeName) {
        return volumes.stream().filter(v -> v.name().equals(volumeName)).findFirst();
    }
}
