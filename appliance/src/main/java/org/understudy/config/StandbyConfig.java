package org.understudy.config;

import java.nio.file.Path;

/**
 * The one standby of the cluster.
 *
 * @param replication where it accepts replication links from the primaries
 * @param jmx         its JMX remote connector, or null
 */
public record StandbyConfig(String name, String address, Endpoint replication, Endpoint admin, Path stateDir,
                            JmxConfig jmx) implements NodeConfig {

    /** A standby without a JMX connector. */
    public StandbyConfig(String name, String address, Endpoint replication, Endpoint admin, Path stateDir) {
        this(name, address, replication, admin, stateDir, null);
    }

    /** Directory holding one sub-directory of replicas per primary. */
    public Path replicaDir() {
        return stateDir.resolve("replicas");
    }
}
