package org.understudy.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A node's JMX remote connector: one address and port carrying both the RMI registry and the connector server (one
 * firewall hole), optionally over TLS. A node without a {@code jmx:} block has no remote connector (local
 * {@code jconsole PID} still works). Immutable.
 *
 * @param endpoint where the registry and the connector listen
 * @param tls      TLS settings, or null for plain RMI
 */
public record JmxConfig(Endpoint endpoint, Tls tls) {
    /** Port used when the {@code jmx:} block names none. */
    public static final int DEFAULT_PORT = 17199;

    public JmxConfig {
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The service URL a client (JConsole) uses for this connector. */
    public String serviceUrl() {
        String hp = endpoint.host() + ":" + endpoint.port();
        return "service:jmx:rmi://" + hp + "/jndi/rmi://" + hp + "/jmxrmi";
    }

    /**
     * TLS for the connector and its registry; the store passwords are secrets ({@code jmx.keyStorePassword} and
     * {@code jmx.trustStorePassword} in the secrets file).
     *
     * @param keyStore     the node's key and certificate (absolute)
     * @param storeType    key and trust store type, e.g. PKCS12
     * @param trustStore   certificates of clients to trust, or null (only needed with {@code clientAuth})
     * @param clientAuth   whether clients must present a certificate too
     */
    public record Tls(Path keyStore, String storeType, Path trustStore, boolean clientAuth) {
    }
}
