package org.understudy.config;

import java.nio.file.Path;

/**
 * Secrets of the cluster, read from a file readable only by its owner.
 *
 * @param file       where they were read from (for messages only)
 * @param clusterKey key authenticating replication links and heartbeats (at least 32 bytes)
 * @param adminToken bearer token of the admin JSON API
 */
public record Secrets(Path file, byte[] clusterKey, String adminToken) {
    @Override
    public String toString() {
        return "Secrets[" + file + "]";
    }
}
