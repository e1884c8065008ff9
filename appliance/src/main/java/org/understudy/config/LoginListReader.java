package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The part the secrets file's login lists share ({@code jmx.users}, {@code web.users}): a list of mappings with
 * only known keys and unique names, and a role of {@code monitor} or {@code operator}. Stateless.
 */
final class LoginListReader {
    private LoginListReader() {
    }

    /** Reads one entry whose key set and name were checked; null when it is invalid (reported). */
    @FunctionalInterface
    interface Entry<U> {
        U read(ObjectNode entry, String path, String name);
    }

    /**
     * The logins at {@code path} ({@code jmx.users}); an absent list is empty.
     *
     * @param shape how an entry looks, for the message when the list is not a list: {@code { name, password, role }}
     */
    static <U> List<U> read(TreeReader r, JsonNode list, String path, Set<String> keys, String shape, Entry<U> entry) {
        List<U> users = new ArrayList<>();
        if (list == null || list.isNull()) {
            return users;
        }
        if (!list.isArray()) {
            r.problem(path, "must be a list of " + shape + ", not " + TreeReader.describe(list));
            return users;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String p = path + "[" + i + "]";
            ObjectNode u = r.object(list.get(i), p, true);
            if (u == null) {
                continue;
            }
            r.onlyKeys(u, p, keys);
            String name = r.name(u, p, "name");
            if (name != null && !names.add(name)) {
                r.problem(TreeReader.join(p, "name"), TreeReader.quote(name) + " is listed twice");
            }
            U user = entry.read(u, p, name);
            if (user != null && name != null) {
                users.add(user);
            }
        }
        return users;
    }

    /**
     * The entry's {@code role}: {@code monitor} or {@code operator} (any case) as the constant of that name in
     * {@code roles}; null when missing or anything else (reported, naming the face: "is not a JMX role").
     */
    static <R extends Enum<R>> R role(TreeReader r, ObjectNode u, String p, Class<R> roles, String face) {
        String s = r.text(u, p, "role", null);
        if (s == null) {
            return null;
        }
        String v = s.toLowerCase(Locale.ROOT);
        if (!v.equals("monitor") && !v.equals("operator")) {
            r.problem(TreeReader.join(p, "role"), TreeReader.quote(s) + " is not a " + face + " role (use monitor or operator)");
            return null;
        }
        return Enum.valueOf(roles, v.toUpperCase(Locale.ROOT));
    }
}
