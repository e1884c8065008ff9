package org.understudy.config;

import java.nio.file.Path;

/**
 * The one standby of the cluster.
 *
 * @param replication where it accepts replication links from the primaries
 * @param jmx         its JMX remote connector, or null
 * @param web         its web console, or null
 */
public record StandbyConfig(String name, String address, Endpoint replication, Endpoint admin, Path stateDir,
                            JmxConfig jmx, WebConfig web) implements NodeConfig {

    /** A standby without a web console. */
    public StandbyConfig(String name, String address, Endpoint replication, Endpoint admin, Path stateDir,
                         JmxConfig jmx) {
        this(name, address, replication, admin, stateDir, jmx, null);
    }

    /** A standby without a JMX connector. */
    public StandbyConfig(String name, String address, Endpoint replication, Endpoint admin, Path stateDir) {
        this(name, address, replication, admin, stateDir, null, null);
    }

    /** Directory holding one sub-directory of replicas per primary. */
    public Path replicaDir() {
        return stateDir.resolve("replicas");
    }
}
