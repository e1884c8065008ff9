package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the secrets file's admin API tokens: {@code adminToken} (the operator token the CLI sends) and the optional
 * {@code adminTokens} list of {@code { name, token, role }} with role {@code read-only} or {@code operator}, like the
 * SNMP and JMX users. Every token is at least {@link SecretsLoader#MIN_TOKEN_CHARS} printable characters, not the
 * template's placeholder, and unique. Stateless.
 */
final class AdminTokensReader {
    private static final Set<String> ENTRY = Set.of("name", "token", "role");

    private AdminTokensReader() {
    }

    /** The single {@code adminToken}, checked; null when missing or bad (the problem is recorded). */
    static String adminToken(TreeReader r, ObjectNode root) {
        String token = r.text(root, "", "adminToken", null);
        return token != null && valid(r, "adminToken", token) ? token : null;
    }

    /** The {@code adminTokens} list, checked; {@code adminToken} (if any) counts for uniqueness. */
    static List<AdminToken> extra(TreeReader r, ObjectNode root, String adminToken) {
        List<AdminToken> out = new ArrayList<>();
        JsonNode list = root.get("adminTokens");
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            r.problem("adminTokens", "must be a list of { name, token, role }, not " + TreeReader.describe(list));
            return out;
        }
        Set<String> names = new HashSet<>(Set.of(AdminToken.ADMIN));
        Set<String> tokens = new HashSet<>();
        if (adminToken != null) {
            tokens.add(adminToken);
        }
        for (int i = 0; i < list.size(); i++) {
            String p = "adminTokens[" + i + "]";
            ObjectNode e = r.object(list.get(i), p, true);
            if (e == null) {
                continue;
            }
            r.onlyKeys(e, p, ENTRY);
            String name = r.name(e, p, "name");
            if (name != null && !names.add(name)) {
                r.problem(TreeReader.join(p, "name"), TreeReader.quote(name) + " is used twice (" + AdminToken.ADMIN
                        + " is the adminToken's)");
            }
            String token = r.text(e, p, "token", null);
            if (token != null && valid(r, TreeReader.join(p, "token"), token) && !tokens.add(token)) {
                r.problem(TreeReader.join(p, "token"), "is the same as another token; every token must be its own");
                token = null;
            }
            Boolean operator = role(r, e, p);
            if (name != null && token != null && operator != null) {
                out.add(new AdminToken(name, token, operator));
            }
        }
        return out;
    }

    /** Whether {@code token} may be a bearer token; a refusal is recorded at {@code key}. */
    static boolean valid(TreeReader r, String key, String token) {
        if (token.toUpperCase(Locale.ROOT).contains("CHANGE-ME")) {
            r.problem(key, "is still the template's placeholder; generate one with `openssl rand -base64 24`");
        } else if (token.length() < SecretsLoader.MIN_TOKEN_CHARS) {
            r.problem(key, "is " + token.length() + " characters; use at least " + SecretsLoader.MIN_TOKEN_CHARS);
        } else if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            r.problem(key, "must be printable ASCII without spaces (it travels in an HTTP header)");
        } else {
            return true;
        }
        return false;
    }

    private static Boolean role(TreeReader r, ObjectNode e, String p) {
        String s = r.text(e, p, "role", null);
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "operator" -> true;
            case "read-only", "readonly", "monitor" -> false;
            default -> {
                r.problem(TreeReader.join(p, "role"), TreeReader.quote(s) + " is not an admin token role (use "
                        + "read-only or operator)");
                yield null;
            }
        };
    }
}
