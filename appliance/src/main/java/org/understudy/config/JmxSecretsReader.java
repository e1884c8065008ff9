package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the optional {@code jmx:} block of the secrets file: the connector's logins ({@code users}, each with a
 * name, a password and a role, monitor or operator) and the TLS store passwords. Stateless.
 */
final class JmxSecretsReader {
    /** Minimum length of a JMX password, in characters. */
    static final int MIN_PASSWORD_CHARS = 12;
    private static final Set<String> KEYS = Set.of("users", "keyStorePassword", "trustStorePassword");
    private static final Set<String> USER = Set.of("name", "password", "role");

    private JmxSecretsReader() {
    }

    static JmxSecrets read(TreeReader r, ObjectNode root) {
        JsonNode node = root.get("jmx");
        if (node == null || node.isNull()) {
            return JmxSecrets.NONE;
        }
        ObjectNode j = r.object(node, "jmx", true);
        if (j == null) {
            return JmxSecrets.NONE;
        }
        r.onlyKeys(j, "jmx", KEYS);
        List<JmxUser> users = users(r, j.get("users"));
        String ks = password(r, j, "jmx", "keyStorePassword", 1);
        String ts = password(r, j, "jmx", "trustStorePassword", 1);
        return new JmxSecrets(users, ks, ts);
    }

    private static List<JmxUser> users(TreeReader r, JsonNode list) {
        return LoginListReader.read(r, list, "jmx.users", USER, "{ name, password, role }", (u, p, name) -> {
            String password = u.has("password") ? password(r, u, p, "password", MIN_PASSWORD_CHARS) : missing(r, p);
            JmxUser.Role role = LoginListReader.role(r, u, p, JmxUser.Role.class, "JMX");
            return password != null && role != null ? new JmxUser(name, password, role) : null;
        });
    }

    private static String missing(TreeReader r, String p) {
        r.problem(TreeReader.join(p, "password"), "is missing");
        return null;
    }

    /** A secret of at least {@code min} characters that is not the template's placeholder; null when absent. */
    static String password(TreeReader r, ObjectNode node, String path, String key, int min) {
        if (!node.has(key) || node.get(key).isNull()) {
            return null;
        }
        String s = r.text(node, path, key, null);
        String p = TreeReader.join(path, key);
        if (s == null) {
            return null;
        }
        if (s.toUpperCase(Locale.ROOT).contains("CHANGE-ME")) {
            r.problem(p, "is still the template's placeholder; generate one with `openssl rand -base64 18`");
            return null;
        }
        if (s.length() < min) {
            r.problem(p, "is " + s.length() + " characters; use at least " + min);
            return null;
        }
        return s;
    }
}
