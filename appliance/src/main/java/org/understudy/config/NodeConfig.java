package org.understudy.config;

import java.nio.file.Path;

/** What every node of the cluster has: a name, a production address, an admin API endpoint and a state directory. */
public sealed interface NodeConfig permits PrimaryConfig, StandbyConfig {
    String name();

    /** Production-network address of the node (for a primary: its service address, where its exports live). */
    String address();

    /** Where this node's admin JSON API listens (loopback unless configured otherwise). */
    Endpoint admin();

    /** Directory for logs, metadata and (on the standby) replicas; absolute. */
    Path stateDir();

    /** Its JMX remote connector, or null when it has none (local {@code jconsole PID} still works). */
    JmxConfig jmx();

    /** Its web console and {@code /metrics}, or null when it serves neither. */
    WebConfig web();
}
