package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.understudy.security.PasswordHash;

/**
 * Reads the optional {@code web:} block of the secrets file: console logins ({@code users}, each a name, a salted
 * password hash and a role, monitor or operator), the {@code metricsToken} scrapers send, and the
 * {@code keyStorePassword} of configured key stores. A plain password where a hash belongs is refused: the file
 * never holds a console password. Stateless.
 */
final class WebSecretsReader {
    private static final Set<String> KEYS = Set.of("users", "metricsToken", "keyStorePassword");
    private static final Set<String> USER = Set.of("name", "passwordHash", "role");

    private WebSecretsReader() {
    }

    static WebSecrets read(TreeReader r, ObjectNode root) {
        JsonNode node = root.get("web");
        if (node == null || node.isNull()) {
            return WebSecrets.NONE;
        }
        ObjectNode w = r.object(node, "web", true);
        if (w == null) {
            return WebSecrets.NONE;
        }
        r.onlyKeys(w, "web", KEYS);
        List<WebUser> users = users(r, w.get("users"));
        String token = w.hasNonNull("metricsToken") ? SecretsLoader.token(r, w, "web", "metricsToken") : null;
        String ks = JmxSecretsReader.password(r, w, "web", "keyStorePassword", 1);
        return new WebSecrets(users, token, ks);
    }

    private static List<WebUser> users(TreeReader r, JsonNode list) {
        List<WebUser> users = new ArrayList<>();
        if (list == null || list.isNull()) {
            return users;
        }
        if (!list.isArray()) {
            r.problem("web.users", "must be a list of { name, passwordHash, role }, not " + TreeReader.describe(list));
            return users;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "web.users[" + i + "]";
            ObjectNode u = r.object(list.get(i), p, true);
            if (u == null) {
                continue;
            }
            r.onlyKeys(u, p, USER);
            String name = r.name(u, p, "name");
            if (name != null && !names.add(name)) {
                r.problem(TreeReader.join(p, "name"), TreeReader.quote(name) + " is listed twice");
            }
            PasswordHash hash = hash(r, u, p);
            WebUser.Role role = role(r, u, p);
            if (name != null && hash != null && role != null) {
                users.add(new WebUser(name, hash, role));
            }
        }
        return users;
    }

    private static PasswordHash hash(TreeReader r, ObjectNode u, String p) {
        String s = r.text(u, p, "passwordHash", null);
        if (s == null) {
            return null;
        }
        try {
            return PasswordHash.parse(s);
        } catch (IllegalArgumentException e) {
            r.problem(TreeReader.join(p, "passwordHash"), e.getMessage());
            return null;
        }
    }

    private static WebUser.Role role(TreeReader r, ObjectNode u, String p) {
        String s = r.text(u, p, "role", null);
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "monitor" -> WebUser.Role.MONITOR;
            case "operator" -> WebUser.Role.OPERATOR;
            default -> {
                r.problem(TreeReader.join(p, "role"), TreeReader.quote(s) + " is not a web role (use monitor or operator)");
                yield null;
            }
        };
    }
}
