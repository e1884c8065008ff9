package org.understudy.jmx;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
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
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.security.AuthFailures;

/**
 * Checks a remote JMX login ({@code String[] {user, password}}, what JConsole sends) against the users of the secrets
 * file. The Subject of an accepted login holds its {@link JMXPrincipal} and {@link RolePrincipal}; every refusal
 * gives the same message, whether the user or the password was wrong, compares digests in constant time, and goes to
 * {@link AuthFailures} with the client's address (the RMI caller's host) and the user name tried. Immutable and
 * thread-safe.
 */
final class PasswordAuthenticator implements JMXAuthenticator {
    private static final Logger LOG = LogManager.getLogger(PasswordAuthenticator.class);
    static final String REFUSED = "Authentication failed: wrong user name or password";
    private static final byte[] NOBODY = digest("no such user: compare against something all the same");

    private final String node;
    private final Map<String, JmxUser> users;
    private final AuthFailures failures;

    PasswordAuthenticator(String node, List<JmxUser> users) {
        this(node, users, AuthFailures.NONE);
    }

    PasswordAuthenticator(String node, List<JmxUser> users, AuthFailures failures) {
        this.node = node;
        this.users = users.stream().collect(Collectors.toUnmodifiableMap(JmxUser::name, Function.identity()));
        this.failures = failures;
    }

    @Override
    public Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[] c) || c.length != 2 || c[0] == null || c[1] == null) {
            failures.record(new AuthFailure(AuthFace.JMX, clientHost(), "", "no user name and password given"));
            throw new SecurityException("Authentication required: connect with a user name and password");
        }
        JmxUser user = users.get(c[0]);
        byte[] expected = user == null ? NOBODY : digest(user.password());
        boolean match = MessageDigest.isEqual(expected, digest(c[1]));
        if (user == null || !match) {
            // the failure log writes the line (once a minute per client and user, with the count)
            failures.record(new AuthFailure(AuthFace.JMX, clientHost(), c[0],
                    user == null ? "unknown user" : "wrong password"));
            throw new SecurityException(REFUSED);
        }
        LOG.info("{}: jmx login of {} ({})", node, user.name(), user.role().name().toLowerCase(java.util.Locale.ROOT));
        return new Subject(true, Set.of(new JMXPrincipal(user.name()), new RolePrincipal(user.role())), Set.of(), Set.of());
    }

    /** The connecting client's address: JMX logs in within the RMI call, whose caller RMI knows. */
    private static String clientHost() {
        try {
            return RemoteServer.getClientHost();
        } catch (ServerNotActiveException e) {
            return "local";
        }
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
