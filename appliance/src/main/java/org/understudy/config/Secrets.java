package org.understudy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Secrets of the cluster, read from a file readable only by its owner.
 *
 * @param file       where they were read from (for messages only)
 * @param clusterKey key authenticating replication links and heartbeats (at least 32 bytes)
 * @param adminToken bearer token of the admin JSON API
 * @param snmp       SNMPv3 users and the optional v2c community ({@link SnmpSecrets#NONE} when absent)
 * @param jmx        JMX connector logins and TLS store passwords ({@link JmxSecrets#NONE} when absent)
 * @param moreTokens further admin API tokens with their names and roles ({@code adminTokens}); the
 *                   {@code adminToken} is the operator token named {@link AdminToken#ADMIN}
 * @param web        web console logins and the metrics token ({@link WebSecrets#NONE} when absent)
 */
public record Secrets(Path file, byte[] clusterKey, String adminToken, SnmpSecrets snmp, JmxSecrets jmx,
                      List<AdminToken> moreTokens, WebSecrets web) {
    public Secrets {
        snmp = snmp == null ? SnmpSecrets.NONE : snmp;
        jmx = jmx == null ? JmxSecrets.NONE : jmx;
        moreTokens = moreTokens == null ? List.of() : List.copyOf(moreTokens);
        web = web == null ? WebSecrets.NONE : web;
    }

    /** Secrets with the one admin token only and no web logins. */
    public Secrets(Path file, byte[] clusterKey, String adminToken, SnmpSecrets snmp, JmxSecrets jmx) {
        this(file, clusterKey, adminToken, snmp, jmx, List.of(), WebSecrets.NONE);
    }

    /** Every admin API token: the {@code adminToken} (operator, named {@link AdminToken#ADMIN}) first. */
    public List<AdminToken> adminTokens() {
        List<AdminToken> all = new ArrayList<>();
        if (adminToken != null) {
            all.add(new AdminToken(AdminToken.ADMIN, adminToken, true));
        }
        all.addAll(moreTokens);
        return all;
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
