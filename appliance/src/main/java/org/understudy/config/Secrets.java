package org.understudy.config;

import java.nio.file.Path;

/**
 * Secrets of the cluster, read from a file readable only by its owner.
 *
 * @param file       where they were read from (for messages only)
 * @param clusterKey key authenticating replication links and heartbeats (at least 32 bytes)
 * @param adminToken bearer token of the admin JSON API
 * @param snmp       SNMPv3 users and the optional v2c community ({@link SnmpSecrets#NONE} when absent)
 * @param jmx        JMX connector logins and TLS store passwords ({@link JmxSecrets#NONE} when absent)
 * @param web        web console logins and the metrics token ({@link WebSecrets#NONE} when absent)
 */
public record Secrets(Path file, byte[] clusterKey, String adminToken, SnmpSecrets snmp, JmxSecrets jmx,
                      WebSecrets web) {
    public Secrets {
        snmp = snmp == null ? SnmpSecrets.NONE : snmp;
        jmx = jmx == null ? JmxSecrets.NONE : jmx;
        web = web == null ? WebSecrets.NONE : web;
    }

    /** Secrets without web logins. */
    public Secrets(Path file, byte[] clusterKey, String adminToken, SnmpSecrets snmp, JmxSecrets jmx) {
        this(file, clusterKey, adminToken, snmp, jmx, WebSecrets.NONE);
    }

    /** Secrets without SNMP users or JMX logins. */
    public Secrets(Path file, byte[] clusterKey, String adminToken) {
        this(file, clusterKey, adminToken, SnmpSecrets.NONE, JmxSecrets.NONE);
    }

    /** Secrets without JMX logins. */
    public Secrets(Path file, byte[] clusterKey, String adminToken, SnmpSecrets snmp) {
        this(file, clusterKey, adminToken, snmp, JmxSecrets.NONE);
    }

    /** Secrets without SNMP users. */
    public Secrets(Path file, byte[] clusterKey, String adminToken, JmxSecrets jmx) {
        this(file, clusterKey, adminToken, SnmpSecrets.NONE, jmx);
    }

    @Override
    public String toString() {
        return "Secrets[" + file + "]";
    }
}
