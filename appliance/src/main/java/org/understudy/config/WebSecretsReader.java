package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

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
        return LoginListReader.read(r, list, "web.users", USER, "{ name, passwordHash, role }", (u, p, name) -> {
            PasswordHash hash = hash(r, u, p);
            WebUser.Role role = LoginListReader.role(r, u, p, WebUser.Role.class, "web");
            return hash != null && role != null ? new WebUser(name, hash, role) : null;
        });
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
}
