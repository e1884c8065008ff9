package org.understudy.config;

/**
 * One notification receiver of {@code cluster.snmp.notify}: a manager's trap/inform port. Immutable.
 *
 * @param community v2c: the community sent with each notification (null for v3)
 * @param user      v3: the secrets file's SNMP user whose keys sign and encrypt (null for v2c)
 * @param inform    true for informs (acknowledged, retried), false for traps (fire and forget)
 * @param retries   informs: resends after the first try without an acknowledgement
 * @param timeoutMs informs: how long to wait for each acknowledgement
 */
public record SnmpTarget(String host, int port, Version version, String community, String user, boolean inform,
                         int retries, int timeoutMs) {
    /** SNMP version of the notifications sent to the target. */
    public enum Version { V2C, V3 }

    public static final int DEFAULT_RETRIES = 3;
    public static final int DEFAULT_TIMEOUT_MS = 1500;

    @Override
    public String toString() {
        return (inform ? "inform" : "trap") + "/" + version.name().toLowerCase(java.util.Locale.ROOT) + " to " + host + ":" + port
                + (user != null ? " as " + user : "");
    }
}
