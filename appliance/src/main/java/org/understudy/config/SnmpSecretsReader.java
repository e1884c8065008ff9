package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the {@code snmp} key of the secrets file: {@code community} (optional, v2c read-only) and {@code users}
 * (SNMPv3: name, authPassword, privPassword, access read-only|operator). Problems go to the loader's
 * {@link TreeReader}. Stateless apart from that reader.
 */
final class SnmpSecretsReader {
    /** USM turns passwords into keys; RFC 3414 requires at least 8 characters. */
    static final int MIN_PASSWORD_CHARS = 8;
    private static final Set<String> SNMP = Set.of("community", "users");
    private static final Set<String> USER = Set.of("name", "authPassword", "privPassword", "access");

    private SnmpSecretsReader() {
    }

    static SnmpSecrets read(TreeReader r, ObjectNode root) {
        JsonNode n = root.get("snmp");
        if (n == null || n.isNull()) {
            return SnmpSecrets.NONE;
        }
        ObjectNode o = r.object(n, "snmp", true);
        if (o == null) {
            return SnmpSecrets.NONE;
        }
        r.onlyKeys(o, "snmp", SNMP);
        String community = r.text(o, "snmp", "community", "");
        if (community != null && !community.isEmpty()) {
            secret(r, "snmp.community", community, 8);
        }
        List<SnmpUser> users = new ArrayList<>();
        JsonNode list = o.get("users");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                r.problem("snmp.users", "must be a list of users, not " + TreeReader.describe(list));
            } else {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    SnmpUser u = user(r, list.get(i), "snmp.users[" + i + "]");
                    if (u != null && !names.add(u.name())) {
                        r.problem("snmp.users[" + i + "].name", TreeReader.quote(u.name()) + " appears twice");
                    } else if (u != null) {
                        users.add(u);
                    }
                }
            }
        }
        return new SnmpSecrets(community == null || community.isEmpty() ? null : community, users);
    }

    private static SnmpUser user(TreeReader r, JsonNode node, String p) {
        ObjectNode o = r.object(node, p, true);
        if (o == null) {
            return null;
        }
        r.onlyKeys(o, p, USER);
        String name = r.name(o, p, "name");
        String auth = r.text(o, p, "authPassword", null);
        String priv = r.text(o, p, "privPassword", null);
        boolean authOk = auth != null && secret(r, TreeReader.join(p, "authPassword"), auth, MIN_PASSWORD_CHARS);
        boolean privOk = priv != null && secret(r, TreeReader.join(p, "privPassword"), priv, MIN_PASSWORD_CHARS);
        String access = r.text(o, p, "access", "read-only");
        Boolean operator = null;
        if (access != null) {
            switch (access.toLowerCase(Locale.ROOT)) {
                case "read-only" -> operator = false;
                case "operator" -> operator = true;
                default -> r.problem(TreeReader.join(p, "access"), TreeReader.quote(access) + " is not an access level (use read-only or operator)");
            }
        }
        return name == null || !authOk || !privOk || operator == null ? null : new SnmpUser(name, auth, priv, operator);
    }

    private static boolean secret(TreeReader r, String key, String value, int min) {
        if (value.toUpperCase(Locale.ROOT).contains("CHANGE-ME")) {
            r.problem(key, "is still the template's placeholder; generate one with `openssl rand -base64 18`");
            return false;
        }
        if (value.length() < min) {
            r.problem(key, "is " + value.length() + " characters; use at least " + min);
            return false;
        }
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            r.problem(key, "must be printable ASCII without spaces");
            return false;
        }
        return true;
    }
}
