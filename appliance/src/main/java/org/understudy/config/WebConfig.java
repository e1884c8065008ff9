package org.understudy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A node's web console and Prometheus {@code /metrics}: one HTTPS listener (plain HTTP only when configured, and only
 * on a loopback address). A node without a {@code web:} block serves neither. Immutable.
 *
 * @param endpoint       where the console listens
 * @param tls            the key store to serve HTTPS with, or null: a self-signed pair generated into the state
 *                       directory at first start (its fingerprint logged)
 * @param plainHttp      serve plain HTTP instead of HTTPS (loopback addresses only; cookies then lose {@code Secure})
 * @param sessionTimeout a login's session ends after this long without a request
 * @param metricsOpen    {@code /metrics} answers without a bearer token
 */
public record WebConfig(Endpoint endpoint, Tls tls, boolean plainHttp, Duration sessionTimeout, boolean metricsOpen) {
    /** Port used when the {@code web:} block names none. */
    public static final int DEFAULT_PORT = 8443;
    /** Idle time after which a session ends unless the block says otherwise. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(30);

    public WebConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    }

    /** The console's URL, e.g. {@code https://127.0.2.1:8443/}. */
    public String url() {
        String host = endpoint.host().contains(":") ? "[" + endpoint.host() + "]" : endpoint.host();
        return (plainHttp ? "http" : "https") + "://" + host + ":" + endpoint.port() + "/";
    }

    /**
     * A key store holding the console's key and certificate; its password is {@code web.keyStorePassword} in the
     * secrets file.
     *
     * @param keyStore  absolute path of the store
     * @param storeType e.g. PKCS12
     */
    public record Tls(Path keyStore, String storeType) {
    }
}
