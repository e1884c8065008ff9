package org.understudy.config;

import java.util.List;
import java.util.Optional;

/**
 * The JMX part of the secrets file: logins of the remote connector and the TLS store passwords. Immutable.
 *
 * @param keyStorePassword   password of every node's JMX key store, or null without TLS
 * @param trustStorePassword password of the JMX trust store, or null
 */
public record JmxSecrets(List<JmxUser> users, String keyStorePassword, String trustStorePassword) {
    /** No JMX secrets at all: the secrets file has no {@code jmx:} block. */
    public static final JmxSecrets NONE = new JmxSecrets(List.of(), null, null);

    public JmxSecrets {
        users = List.copyOf(users);
    }

    public Optional<JmxUser> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return "JmxSecrets" + users;
    }
}
