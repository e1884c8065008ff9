package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
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
        List<JmxUser> users = new ArrayList<>();
        if (list == null || list.isNull()) {
            return users;
        }
        if (!list.isArray()) {
            r.problem("jmx.users", "must be a list of { name, password, role }, not " + TreeReader.describe(list));
            return users;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "jmx.users[" + i + "]";
            ObjectNode u = r.object(list.get(i), p, true);
            if (u == null) {
                continue;
            }
            r.onlyKeys(u, p, USER);
            String name = r.name(u, p, "name");
            if (name != null && !names.add(name)) {
                r.problem(TreeReader.join(p, "name"), TreeReader.quote(name) + " is listed twice");
            }
            String password = u.has("password") ? password(r, u, p, "password", MIN_PASSWORD_CHARS) : missing(r, p);
            JmxUser.Role role = role(r, u, p);
            if (name != null && password != null && role != null) {
                users.add(new JmxUser(name, password, role));
            }
        }
        return users;
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

    private static JmxUser.Role role(TreeReader r, ObjectNode u, String p) {
        String s = r.text(u, p, "role", null);
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "monitor" -> JmxUser.Role.MONITOR;
            case "operator" -> JmxUser.Role.OPERATOR;
            default -> {
                r.problem(TreeReader.join(p, "role"), TreeReader.quote(s) + " is not a JMX role (use monitor or operator)");
                yield null;
            }
        };
    }
}
