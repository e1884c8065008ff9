package org.understudy.config;

import java.nio.file.Path;

/**
 * The one standby of the cluster.
 *
 * @param replication where it accepts replication links from the primaries
 */
public record StandbyConfig(String name, String address, Endpoint replication, Endpoint admin, Path stateDir)
        implements NodeConfig {

    /** Directory holding one sub-directory of replicas per primary. */
    public Path replicaDir() {
        return stateDir.resolve("replicas");
    }
}
