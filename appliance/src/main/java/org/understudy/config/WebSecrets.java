package org.understudy.config;

import java.util.List;
import java.util.Optional;

/**
 * The web part of the secrets file: console logins, the bearer token scrapers send to {@code /metrics}, and the key
 * store password when a node serves HTTPS from a configured key store. Immutable.
 *
 * @param metricsToken     bearer token for {@code /metrics}, or null
 * @param keyStorePassword password of the nodes' web key stores ({@code web.tls}), or null
 */
public record WebSecrets(List<WebUser> users, String metricsToken, String keyStorePassword) {
    /** No web secrets: the secrets file has no {@code web:} block. */
    public static final WebSecrets NONE = new WebSecrets(List.of(), null, null);

    public WebSecrets {
        users = List.copyOf(users);
    }

    public Optional<WebUser> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return "WebSecrets" + users;
    }
}
