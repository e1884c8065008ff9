package org.understudy.jmx;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.JmxUser;

/**
 * Checks a remote JMX login ({@code String[] {user, password}}, what JConsole sends) against the users of the secrets
 * file. The Subject of an accepted login holds its {@link JMXPrincipal} and {@link RolePrincipal}; every refusal
 * gives the same message, whether the user or the password was wrong, and compares digests in constant time.
 * Immutable and thread-safe.
 */
final class PasswordAuthenticator implements JMXAuthenticator {
    private static final Logger LOG = LogManager.getLogger(PasswordAuthenticator.class);
    static final String REFUSED = "Authentication failed: wrong user name or password";
    private static final byte[] NOBODY = digest("no such user: compare against something all the same");

    private final String node;
    private final Map<String, JmxUser> users;

    PasswordAuthenticator(String node, List<JmxUser> users) {
        this.node = node;
        this.users = users.stream().collect(Collectors.toUnmodifiableMap(JmxUser::name, Function.identity()));
    }

    @Override
    public Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[] c) || c.length != 2 || c[0] == null || c[1] == null) {
            LOG.warn("{}: jmx connection refused: no user name and password given", node);
            throw new SecurityException("Authentication required: connect with a user name and password");
        }
        JmxUser user = users.get(c[0]);
        byte[] expected = user == null ? NOBODY : digest(user.password());
        boolean match = MessageDigest.isEqual(expected, digest(c[1]));
        if (user == null || !match) {
            LOG.warn("{}: jmx login refused for user '{}' ({})", node, c[0], user == null ? "no such user" : "wrong password");
            throw new SecurityException(REFUSED);
        }
        LOG.info("{}: jmx login of {} ({})", node, user.name(), user.role().name().toLowerCase(java.util.Locale.ROOT));
        return new Subject(true, Set.of(new JMXPrincipal(user.name()), new RolePrincipal(user.role())), Set.of(), Set.of());
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
