package org.understudy.config;

import java.nio.file.Path;

/**
 * Secrets of the cluster, read from a file readable only by its owner.
 *
 * @param file       where they were read from (for messages only)
 * @param clusterKey key authenticating replication links and heartbeats (at least 32 bytes)
 * @param adminToken bearer token of the admin JSON API
 * @param jmx        JMX connector logins and TLS store passwords ({@link JmxSecrets#NONE} when absent)
 */
public record Secrets(Path file, byte[] clusterKey, String adminToken, JmxSecrets jmx) {
    public Secrets {
        jmx = jmx == null ? JmxSecrets.NONE : jmx;
    }

    /** Secrets without JMX logins. */
    public Secrets(Path file, byte[] clusterKey, String adminToken) {
        this(file, clusterKey, adminToken, JmxSecrets.NONE);
    }

    @Override
    public String toString() {
        return "Secrets[" + file + "]";
    }
}
